// The DNN and edge page: edge model edits, GPU profiles and DNN changes are undoable; the
// shipped profiles are offered.
#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/fileio.h"
#include "core/io/profileio.h"
#include "tests/common/testdata.h"
#include "core/model/randomscenario.h"
#include "widgets/charts/chartview.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/dnnview.h"

#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <cmath>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");

} // namespace

class TestDnnView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void legendsOfATwentySubtaskDnnCoverNoCurve()
    {
        // Twenty batch curves: the legend wraps below the plot, every entry inside the chart,
        // none over the plot area where the curves are drawn.
        ScenarioDocument document;
        document.reset(makeRandomScenario(5, {.users = 6, .subtasks = 20, .maxBatch = 8, .constantEdge = false}), QString());
        DnnView view(&document);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        for (const ChartView* chart : {view.curveChart(), view.splitChart()}) {
            QVERIFY(chart->legendEntryCount() > 0);
            QVERIFY(!chart->legendRect().intersects(chart->plotRect().adjusted(1, 1, -1, -1)));
            for (int entry = 0; entry < chart->legendEntryCount(); ++entry)
                QVERIFY2(chart->rect().contains(chart->legendEntryRect(entry)), qPrintable(QString("entry %1 cut off").arg(entry)));
        }
        QCOMPARE(view.curveChart()->legendEntryCount(), 20);
        // Batch sizes and split points are whole numbers: so are the ticks.
        for (const ChartView* chart : {view.curveChart(), view.splitChart()})
            for (double tick : chart->ticks(ChartAxis::Bottom))
                QVERIFY2(tick == std::round(tick), qPrintable(QString::number(tick)));
    }

    void aHiddenPageCatchesUpWhenShown()
    {
        // Edits made on another page leave the hidden DNN page alone (at 10,000 users its
        // refresh cost 20-35 ms per edit); showing it brings it up to date.
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        DnnView view(&document);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const auto firstLatency = [&] { return QString::number(document.scenario().dnn.subtasks[1].edgeLatencyMs.front(), 'f', 3); };
        const QString before = firstLatency();
        QCOMPARE(view.table()->item(1, 3)->text(), before);
        view.hide();
        Scenario edited = document.scenario();
        for (double& ms : edited.dnn.subtasks[1].edgeLatencyMs)
            ms += 1;
        document.setScenario(edited);
        QVERIFY(firstLatency() != before);
        QCOMPARE(view.table()->item(1, 3)->text(), before); // not refreshed while hidden
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.table()->item(1, 3)->text(), firstLatency());
        // A visible page follows at once.
        edited.dnn.subtasks[1].edgeLatencyMs.front() = 9;
        document.setScenario(edited);
        QCOMPARE(view.table()->item(1, 3)->text(), QString("9.000"));
    }

    void dnnAndEdgeEditsAreUndoable()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        DnnView view(&document);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.table()->rowCount(), 5);
        QVERIFY(view.setAffineEdge(1, 2.0, 0.5).isEmpty());
        QCOMPARE(document.scenario().dnn.subtasks[1].edgeLatencyMs[3], 4.0); // 2 + 0.5 x 4
        QCOMPARE(view.table()->item(1, 3)->text(), QString("2.500"));
        document.undoStack()->undo();
        QCOMPARE(document.scenario().dnn.subtasks[1].edgeLatencyMs[3], 6.0 + 0.4 * 4);

        // A synthetic profile (made here, not a measurement) of the built-in ResNet-18.
        const DnnDescription resnet = *builtinDnn("resnet18");
        const GpuProfile profile = testing::syntheticProfile(resnet, {1.0, 1.2, 1.4, 1.6});
        QTemporaryDir dir;
        const QString path = dir.path() + "/resnet18.json";
        QVERIFY(writeFileAtomically(path.toStdString(), gpuProfileToJson(profile)).has_value());
        QVERIFY(view.loadProfile(path).contains("10 sub-tasks")); // the classroom CNN has 5
        QVERIFY(view.useDnn("resnet18", path).isEmpty());
        QCOMPARE(document.scenario().dnn.subtaskCount(), 10);
        QCOMPARE(document.scenario().dnn.maxBatch(), 4);
        QCOMPARE(document.scenario().users[0].localLatencyMs.size(), size_t(10));
        QCOMPARE(view.table()->rowCount(), 10);
        document.undoStack()->undo();
        QCOMPARE(document.scenario().dnn.subtaskCount(), 5);
        QCOMPARE(document.scenario().users[0].localLatencyMs.size(), size_t(5));
        QVERIFY(view.useDnn("alexnet", path).contains("alexnet"));

        // The measured profiles that ship in the resources are offered and used as they are.
        const auto shipped = DnnView::shippedProfiles("mobilenetv2");
        QCOMPARE(shipped.size(), 1);
        QVERIFY2(shipped[0].second.contains("measured 20"), qPrintable(shipped[0].second));
        QVERIFY(DnnView::shippedProfiles("alexnet").isEmpty());
        QVERIFY(view.useDnn("mobilenetv2", shipped[0].first).isEmpty());
        const GpuProfile measured = *readGpuProfile(COINFER_PROFILES "/mobilenetv2-h200.json");
        QCOMPARE(document.scenario().dnn.subtaskCount(), 20);
        QCOMPARE(document.scenario().dnn.subtasks[7].edgeLatencyMs, measured.subtasks[7].medianMs);
    }
};

QTEST_MAIN(TestDnnView)
#include "test_dnnview.moc"
