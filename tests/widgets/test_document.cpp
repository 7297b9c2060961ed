// The document layer without any view: the users table and its undo commands, bad values
// refused, and atomic saving.
#include "core/io/scenarioio.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/document/usertablemodel.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

} // namespace

class TestDocument : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void tableEditsAreUndoable()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        UserTableModel model(&document);
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(model.columnCount(), int(UserTableModel::ColumnCount));
        const QModelIndex deadline = model.index(2, UserTableModel::DeadlineMs);
        const double before = model.data(deadline).toDouble();
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(model.setData(deadline, 150.0));
        QCOMPARE(model.data(deadline).toDouble(), 150.0);
        QCOMPARE(document.scenario().users[2].deadlineMs, 150.0);
        QVERIFY(!changed.isEmpty());
        QVERIFY(document.isModified());
        QVERIFY(model.setData(deadline, 160.0)); // merges with the edit before
        QCOMPARE(document.undoStack()->count(), 1);
        document.undoStack()->undo();
        QCOMPARE(model.data(deadline).toDouble(), before);
        QVERIFY(!document.isModified());
        document.undoStack()->redo();
        QCOMPARE(model.data(deadline).toDouble(), 160.0);
    }

    void badValuesAreRefused()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        UserTableModel model(&document);
        QVERIFY(!model.setData(model.index(0, UserTableModel::DeadlineMs), -5.0));
        QVERIFY(!model.setData(model.index(0, UserTableModel::UplinkRateMbps), "fast"));
        QVERIFY(!model.setData(model.index(0, UserTableModel::Id), "ben")); // ids stay unique
        QVERIFY(!model.setData(model.index(0, UserTableModel::Id), "  "));
        QVERIFY(!(model.flags(model.index(0, UserTableModel::LocalEnergyMj)) & Qt::ItemIsEditable));
        QCOMPARE(document.undoStack()->count(), 0);
    }

    void addRemoveAndBulkEditAreUndoable()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        UserTableModel model(&document);
        model.addUser(0);
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(document.scenario().users[8].localEnergyMj, document.scenario().users[0].localEnergyMj);
        model.removeUsers({1, 3});
        QCOMPARE(model.rowCount(), 7);
        QVERIFY(model.setColumnForRows({0, 1, 2}, UserTableModel::TxPowerW, 0.1));
        for (int row = 0; row < 3; ++row)
            QCOMPARE(document.scenario().users[static_cast<size_t>(row)].txPowerW, 0.1);
        document.undoStack()->undo(); // the bulk edit is one step
        QCOMPARE(document.scenario().users[0].txPowerW, 0.2);
        document.undoStack()->undo();
        QCOMPARE(model.rowCount(), 9);
        QCOMPARE(document.scenario().users[1].id, std::string("ben"));
        QCOMPARE(document.scenario().users[3].id, std::string("dara"));
        document.undoStack()->undo();
        QCOMPARE(model.rowCount(), 8);
    }

    void savingIsAtomicAndMarksClean()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        UserTableModel model(&document);
        model.setData(model.index(0, UserTableModel::DeadlineMs), 111.0);
        QTemporaryDir dir;
        QVERIFY(document.save(dir.path() + "/saved.json").has_value());
        QVERIFY(!document.isModified());
        Expected<Scenario> back = readScenario((dir.path() + "/saved.json").toStdString());
        QVERIFY(back.has_value());
        QCOMPARE(back->users[0].deadlineMs, 111.0);
        QVERIFY(!document.save("/nonexistent/dir/x.json").has_value());
    }
};

QTEST_MAIN(TestDocument)
#include "test_document.moc"
