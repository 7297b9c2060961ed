// The users generator: seeded users with unique ids, deadline choices or ranges, added as one
// undoable step, and a scenario without device classes refused.
#include "widgets/document/commands.h"
#include "widgets/document/errortext.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/generatordialog.h"

#include <QCoreApplication>
#include <QLineEdit>
#include <QObject>
#include <QSpinBox>
#include <QString>
#include <QTest>
#include <QUndoStack>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

} // namespace

class TestGeneratorDialog : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void generatorMakesSeededUsersWithUniqueIds()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        GeneratorDialog dialog(document.scenario());
        QVERIFY(dialog.spec().has_value());
        dialog.countBox()->setValue(30);
        dialog.seedBox()->setValue(9);
        dialog.deadlineChoices()->setText("100, 250");
        const PopulationSpec spec = dialog.spec().value();
        QCOMPARE(spec.count, 30LL);
        QCOMPARE(spec.deadlineMs.choices, (std::vector<double>{100, 250}));
        QVERIFY(spec.byDistance); // the classroom has a channel
        const std::vector<User> users = GeneratorDialog::generate(document.scenario(), spec);
        QCOMPARE(users.size(), size_t(30));
        const std::vector<User> again = GeneratorDialog::generate(document.scenario(), spec);
        QCOMPARE(again[17].uplinkRateMbps, users[17].uplinkRateMbps);
        for (const User& user : users) {
            QVERIFY(user.deadlineMs == 100 || user.deadlineMs == 250);
            QCOMPARE(user.localEnergyMj.size(), size_t(5));
        }
        dialog.deadlineChoices()->setText("120-180");
        const PopulationSpec ranged = dialog.spec().value();
        QVERIFY(ranged.deadlineMs.choices.empty());
        QCOMPARE(ranged.deadlineMs.min, 120.0);
        QCOMPARE(ranged.deadlineMs.max, 180.0);
        for (const User& user : GeneratorDialog::generate(document.scenario(), ranged))
            QVERIFY(user.deadlineMs >= 120 && user.deadlineMs <= 180);
        std::vector<std::pair<int, User>> rows;
        for (size_t i = 0; i < users.size(); ++i)
            rows.emplace_back(8 + static_cast<int>(i), users[i]);
        document.undoStack()->push(new InsertRemoveUsersCommand(&document, rows, false, "generate"));
        QCOMPARE(document.scenario().userCount(), 38);
        document.undoStack()->undo();
        QCOMPARE(document.scenario().userCount(), 8);
        // A scenario without device classes says so instead of generating.
        Scenario plain = document.scenario();
        plain.deviceClasses.clear();
        GeneratorDialog none(plain);
        QVERIFY(errorText(none.spec()).contains("device classes"));
    }
};

QTEST_MAIN(TestGeneratorDialog)
#include "core/model/population.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"
#include "core/util/random.h"
#include "test_generatordialog.moc"

#include <cstddef>
#include <utility>
#include <vector>
