// The DNN and edge page: edge model edits, GPU profiles and DNN changes are undoable; the
// shipped profiles are offered.
#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/dnnio.h"
#include "core/io/fileio.h"
#include "core/io/profileio.h"
#include "core/model/scenario.h"
#include "core/util/expected.h"
#include "tests/common/testdata.h"
#include "core/model/randomscenario.h"
#include "widgets/charts/chartview.h"
#include "widgets/document/errortext.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/dnnview.h"

#include <QAbstractButton>
#include <QByteArray>
#include <QColor>
#include <QCoreApplication>
#include <QFile>
#include <QFontMetrics>
#include <QIODevice>
#include <QList>
#include <QMessageBox>
#include <QObject>
#include <QPen>
#include <QPoint>
#include <QRect>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTableWidget>
#include <QTableWidgetItem>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <QVariant>
#include <QVector>
#include <QWidget>
#include <Qt>

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

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
        Scenario twenty = makeRandomScenario(5, {.users = 6, .subtasks = 20, .maxBatch = 8, .constantEdge = false});
        for (size_t n = 0; n < twenty.dnn.subtasks.size(); ++n) // names as long as an imported ResNet-50's
            twenty.dnn.subtasks[n].name = "avgpool/GlobalAveragePool .. Flatten " + std::to_string(n);
        document.reset(twenty, QString());
        DnnView view(&document);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        for (const ChartView* chart : {view.curveChart(), view.splitChart()}) {
            QVERIFY(chart->legendEntryCount() > 0);
            QVERIFY(!chart->legendRect().intersects(chart->plotRect().adjusted(1, 1, -1, -1)));
            for (int entry = 0; entry < chart->legendEntryCount(); ++entry)
                QVERIFY2(chart->rect().contains(chart->legendEntryRect(entry)),
                         qPrintable(QString("entry %1 cut off").arg(entry)));
        }
        QCOMPARE(view.curveChart()->legendEntryCount(), 20);
        // In a window of 1100 x 650 the twenty entries (numbered as the table's rows) leave the
        // curves most of the chart; named entries, one per row, left them a tenth (ResNet-50).
        view.resize(880, 620);
        QTest::qWait(50);
        view.refresh();
        QVERIFY2(
            view.curveChart()->plotRect().height() >= view.curveChart()->height() / 2,
            qPrintable(QString("plot %1 of %2 px").arg(view.curveChart()->plotRect().height()).arg(view.curveChart()->height())));
        // Batch sizes and split points are whole numbers: so are the ticks.
        for (const ChartView* chart : {view.curveChart(), view.splitChart()})
            for (double tick : chart->ticks(ChartAxis::Bottom))
                QVERIFY2(tick == std::round(tick), qPrintable(QString::number(tick)));
    }

    /// Sub-tasks with the same batch curve share one line named by all of them (drawn one over
    /// the other, the first was hidden), and no two lines of the chart look alike.
    void identicalCurvesShareOneLineAndNoTwoLinesLookAlike()
    {
        ScenarioDocument document;
        Scenario twenty = makeRandomScenario(5, {.users = 6, .subtasks = 20, .maxBatch = 8, .constantEdge = false});
        twenty.dnn.subtasks[2].edgeLatencyMs = twenty.dnn.subtasks[1].edgeLatencyMs;
        twenty.dnn.subtasks[7].edgeLatencyMs = twenty.dnn.subtasks[1].edgeLatencyMs;
        document.reset(twenty, QString());
        DnnView view(&document);
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        const ChartView* curves = view.curveChart();
        QCOMPARE(curves->lineCount(), 18);
        QStringList names;
        for (int k = 0; k < curves->lineCount(); ++k)
            names << curves->line(k).name;
        QVERIFY2(names.contains("2, 3, 8 (one curve)"), qPrintable(names.join(" | ")));
        for (int a = 0; a < curves->lineCount(); ++a)
            for (int b = a + 1; b < curves->lineCount(); ++b) {
                const QPen pa = curves->line(a).pen, pb = curves->line(b).pen;
                QVERIFY2(pa.color() != pb.color() || pa.style() != pb.style(), qPrintable(names[a] + " and " + names[b]));
            }
    }

    void sixtySubtasksAreNamedByHoverNotByALegend()
    {
        ScenarioDocument document;
        document.reset(makeRandomScenario(6, {.users = 4, .subtasks = 60, .maxBatch = 8, .constantEdge = false}), QString());
        DnnView view(&document);
        view.resize(880, 620);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        QCOMPARE(view.curveChart()->legendEntryCount(), 0);
        QVERIFY(view.curveChart()->plotRect().height() >= view.curveChart()->height() / 2);
    }

    /// A few sub-tasks are named in the legend in full, as an import names them (56 characters
    /// in EfficientNet), never cut, and every entry lies inside the chart.
    void longLayerNamesAreNamedInFull()
    {
        ScenarioDocument document;
        Scenario few = makeRandomScenario(7, {.users = 4, .subtasks = 5, .maxBatch = 8, .constantEdge = false});
        for (size_t n = 0; n < few.dnn.subtasks.size(); ++n)
            few.dnn.subtasks[n].name = "features/features." + std::to_string(n) + "/features.1.0/block/block.0 .. block.1";
        document.reset(few, QString());
        DnnView view(&document);
        view.resize(1100, 650);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        const ChartView* curves = view.curveChart();
        QCOMPARE(curves->lineCount(), 5);
        for (int k = 0; k < curves->lineCount(); ++k) {
            QCOMPARE(curves->line(k).name, QString("%1: %2").arg(k + 1).arg(QString::fromStdString(few.dnn.subtasks[k].name)));
            QVERIFY2(curves->rect().contains(curves->legendEntryRect(k)), qPrintable(QString("entry %1 cut off").arg(k)));
        }
    }

    /// 72 sub-tasks (EfficientNet-B7 imported): no set of line styles tells them apart, so each
    /// curve has its own colour, running in the network's order; the table shows each row's
    /// colour; selecting a row draws its curve on top and names it in full; clicking a curve
    /// selects its row.
    void seventyTwoSubtasksReadByColourAndSelection()
    {
        ScenarioDocument document;
        Scenario many = makeRandomScenario(6, {.users = 4, .subtasks = 72, .maxBatch = 8, .constantEdge = false});
        for (size_t n = 0; n < many.dnn.subtasks.size(); ++n)
            many.dnn.subtasks[n].name = "features/features." + std::to_string(n) + "/features.1.0/block/block.0 .. block.1";
        document.reset(many, QString());
        DnnView view(&document);
        view.resize(1100, 650);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refresh();
        ChartView* curves = view.curveChart();
        QCOMPARE(curves->lineCount(), 72);
        QCOMPARE(curves->legendEntryCount(), 0);
        // The note that says how to read the colours fits the chart's half of the page.
        const QString note = curves->note();
        QVERIFY(!note.isEmpty());
        for (const QString& line : note.split('\n'))
            QVERIFY2(QFontMetrics(curves->font()).horizontalAdvance(line) * 1.2 < view.width() / 2 - 40, qPrintable(line));
        for (int a = 0; a < curves->lineCount(); ++a) {
            for (int b = a + 1; b < curves->lineCount(); ++b)
                QVERIFY2(curves->line(a).pen.color() != curves->line(b).pen.color(),
                         qPrintable(QString("%1 and %2").arg(a).arg(b)));
            const QVariant swatch = view.table()->item(a, 0)->data(Qt::DecorationRole);
            QCOMPARE(swatch.value<QColor>(), curves->line(a).pen.color());
        }
        // The colour runs in order: the first curve is darker than the last.
        QVERIFY(curves->line(0).pen.color().lightness() < curves->line(71).pen.color().lightness());
        // The highest curve's end point, clicked, selects its row.
        int highest = 0;
        for (int k = 1; k < curves->lineCount(); ++k)
            if (curves->line(k).y.back() > curves->line(highest).y.back())
                highest = k;
        QWidget* plot = curves->findChild<QWidget*>();
        QVERIFY(plot);
        const QPoint at = plot->mapFrom(curves, curves->linePointPosition(highest, 7));
        QTest::mousePress(plot, Qt::LeftButton, {}, at);
        QTest::mouseRelease(plot, Qt::LeftButton, {}, at);
        QCOMPARE(view.table()->currentRow(), highest);
        // Selecting a row draws that curve again, on top, wider, and names it in the legend.
        const int chosen = highest == 50 ? 51 : 50;
        view.table()->selectRow(chosen);
        QCOMPARE(curves->lineCount(), 73);
        const LineSeries drawn = curves->line(72);
        QCOMPARE(drawn.name,
                 QString("selected: %1: %2").arg(chosen + 1).arg(QString::fromStdString(many.dnn.subtasks[chosen].name)));
        QCOMPARE(drawn.y, curves->line(chosen).y);
        QVERIFY(drawn.pen.widthF() > curves->line(chosen).pen.widthF());
        QCOMPARE(curves->legendEntryCount(), 1);
        QVERIFY(curves->rect().contains(curves->legendEntryRect(0)));
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
        const auto firstLatency = [&] {
            return QString::number(document.scenario().dnn.subtasks[1].edgeLatencyMs.front(), 'f', 3);
        };
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
        QVERIFY(view.setAffineEdge(1, 2.0, 0.5).has_value());
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
        QVERIFY(errorText(view.loadProfile(path)).contains("10 sub-tasks")); // the classroom CNN has 5
        QVERIFY(view.useDnn("resnet18", path).has_value());
        QCOMPARE(document.scenario().dnn.subtaskCount(), 10);
        QCOMPARE(document.scenario().dnn.maxBatch(), 4);
        QCOMPARE(document.scenario().users[0].localLatencyMs.size(), size_t(10));
        QCOMPARE(view.table()->rowCount(), 10);
        document.undoStack()->undo();
        QCOMPARE(document.scenario().dnn.subtaskCount(), 5);
        QCOMPARE(document.scenario().users[0].localLatencyMs.size(), size_t(5));
        QVERIFY(errorText(view.useDnn("alexnet", path)).contains("alexnet"));

        // The measured profiles that ship in the resources are offered and used as they are.
        const auto shipped = DnnView::shippedProfiles("mobilenetv2");
        QCOMPARE(shipped.size(), 1);
        QVERIFY2(shipped[0].second.contains("measured 20"), qPrintable(shipped[0].second));
        QVERIFY(DnnView::shippedProfiles("alexnet").isEmpty());
        QVERIFY(view.useDnn("mobilenetv2", shipped[0].first).has_value());
        const GpuProfile measured = *readGpuProfile(COINFER_PROFILES "/mobilenetv2-h200.json");
        QCOMPARE(document.scenario().dnn.subtaskCount(), 20);
        QCOMPARE(document.scenario().dnn.subtasks[7].edgeLatencyMs, measured.subtasks[7].medianMs);
    }

    void importingAnOnnxModelChangesNothingUntilAProfileIsChosen()
    {
#ifndef COINFER_ONNX
        QSKIP("built without ONNX (COINFER_ONNX off)");
#else
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        const Scenario before = document.scenario();
        DnnView view(&document);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy shown(&view, &DnnView::importDialogShown);
        view.importOnnx(QStringLiteral(COINFER_TEST_DATA "/onnx/resnet18.onnx"));
        QVERIFY(shown.wait(20000));
        QMessageBox* box = view.importDialog();
        QVERIFY(box != nullptr);
        QVERIFY(box->isVisible());
        // The summary comes from the import itself: its sub-task count and MACs.
        const std::vector<SubtaskStats> stats = *analyzeDnn(view.importedDescription());
        double macs = 0;
        for (const SubtaskStats& subtask : stats)
            macs += subtask.macs;
        QVERIFY2(box->text().contains(QString("%1 sub-tasks").arg(stats.size())), qPrintable(box->text()));
        QVERIFY2(box->text().contains(QString::number(macs / 1e9, 'f', 3)), qPrintable(box->text()));
        QVERIFY2(box->informativeText().contains("coinfer profile --dnn resnet18.onnx"), qPrintable(box->informativeText()));
        QCOMPARE(document.undoStack()->count(), 0);
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(view.importDialog() == nullptr);
        QVERIFY(document.scenario() == before);

        // With a profile for exactly these layers (synthetic, made here) the model is planned
        // with, and one undo brings the classroom's DNN back.
        const GpuProfile profile = testing::syntheticProfile(view.importedDescription(), {1.0, 1.5});
        QTemporaryDir dir;
        const QString profilePath = dir.path() + "/resnet18-onnx.json";
        QVERIFY(writeFileAtomically(profilePath.toStdString(), gpuProfileToJson(profile)).has_value());
        QVERIFY(view.useDescription(view.importedDescription(), "resnet18.onnx", profilePath).has_value());
        QCOMPARE(document.scenario().dnn.subtaskCount(), static_cast<int>(stats.size()));
        QCOMPARE(view.table()->rowCount(), static_cast<int>(stats.size()));
        document.undoStack()->undo();
        QVERIFY(document.scenario() == before);

        // A file that is not a model gets an error box naming it; the document stays as it was.
        const QString bad = dir.path() + "/holiday-photo.onnx";
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("\xff\xd8\xff\xe0 not a model");
        file.close();
        view.importOnnx(bad);
        QVERIFY(shown.wait(20000));
        QVERIFY(view.importDialog() != nullptr);
        QCOMPARE(view.importDialog()->icon(), QMessageBox::Critical);
        QVERIFY2(view.importDialog()->text().contains("holiday-photo.onnx"), qPrintable(view.importDialog()->text()));
        QVERIFY(!view.importDialog()->informativeText().isEmpty());
        QVERIFY(document.scenario() == before);
        view.importDialog()->close();
#endif
    }

    void anImportedModelWithAShippedProfileIsPlannedWithOneClick()
    {
#ifndef COINFER_ONNX
        QSKIP("built without ONNX (COINFER_ONNX off)");
#else
        // resources/profiles/resnet50-h200.json measured torchvision's ResNet-50 as imported: the
        // box offers it, and one click plans the classroom with it.
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        const Scenario before = document.scenario();
        DnnView view(&document);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy shown(&view, &DnnView::importDialogShown);
        view.importOnnx(QStringLiteral(COINFER_TEST_DATA "/onnx/resnet50.onnx"));
        QVERIFY(shown.wait(20000));
        QMessageBox* box = view.importDialog();
        QVERIFY(box != nullptr);
        QAbstractButton* use = nullptr;
        for (QAbstractButton* button : box->buttons())
            if (button->text().startsWith("Use NVIDIA H200"))
                use = button;
        QVERIFY2(use != nullptr, qPrintable(box->informativeText()));
        use->click();
        const GpuProfile measured = *readGpuProfile(COINFER_PROFILES "/resnet50-h200.json");
        QCOMPARE(document.scenario().dnn.subtaskCount(), static_cast<int>(measured.subtasks.size()));
        QCOMPARE(document.scenario().dnn.subtasks[4].edgeLatencyMs, measured.subtasks[4].medianMs);
        QCOMPARE(document.undoStack()->count(), 1);
        document.undoStack()->undo();
        QVERIFY(document.scenario() == before);
        // A built-in's measured profile is not offered for an import whose layers differ (torch
        // folds batch norm into the convolutions): it would time another network.
        QVERIFY(DnnView::shippedProfilesFor(*builtinDnn("resnet18")).size() == 1);
        QVERIFY(DnnView::shippedProfilesFor(*loadDnn(COINFER_TEST_DATA "/onnx/resnet18.onnx")).isEmpty());
#endif
    }
};

QTEST_MAIN(TestDnnView)
#include "test_dnnview.moc"
