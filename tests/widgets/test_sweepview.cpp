// The Sweep page: its rows are the core sweep's, its chart draws core/sweep's summary
// (tested in tests/core/test_sweepsummary.cpp), a click opens the point's variant, cancel keeps
// the finished points, an edit marks the sweep stale, and the CSV export reads back as the rows
// shown.
#include "core/io/fileio.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/sweep/sweep.h"
#include "core/util/expected.h"
#include "widgets/charts/chartview.h"
#include "widgets/document/errortext.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/document/usertablemodel.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/sweepview.h"

#include <QByteArray>
#include <QComboBox>
#include <QCoreApplication>
#include <QEnterEvent>
#include <QEvent>
#include <QLabel>
#include <QList>
#include <QObject>
#include <QPoint>
#include <QPointF>
#include <QRect>
#include <QSignalSpy>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>
#include <QVector>
#include <QWidget>
#include <Qt>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");
const QString kCampus = QStringLiteral(COINFER_EXAMPLES "/campus.json");

/// Everything but time_ms.
bool sameRow(const SweepRow& a, const SweepRow& b)
{
    const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    return a.parameter == b.parameter && a.value == b.value && a.repeat == b.repeat && a.algorithm == b.algorithm &&
           a.planned == b.planned && same(a.energyMj, b.energyMj) && same(a.localEnergyMj, b.localEnergyMj) &&
           same(a.savingPercent, b.savingPercent) && a.feasible == b.feasible && a.batches == b.batches &&
           same(a.lowerBoundMj, b.lowerBoundMj) && same(a.gapPercent, b.gapPercent);
}

} // namespace

class TestSweepView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void rowsAndChartAreTheCoreSweeps()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kCampus).has_value());
        SweepView view(&document);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy finished(&view, &SweepView::finished);
        QVERIFY(view.runSweep("users", "10,20,30", "local,no-batching,og", 2).has_value());
        QVERIFY(finished.wait(120000));

        // The same request through the core, independently of the page.
        Expected<SweepBase> base = prepareSweepBase(*readTextFile(kCampus.toStdString()), kCampus.toStdString());
        QVERIFY(base.has_value());
        SweepRequest request;
        request.parameter = SweepParameter::Users;
        request.values = {10, 20, 30};
        request.algorithms = {Algorithm::Local, Algorithm::NoBatching, Algorithm::Og};
        request.repeats = 2;
        const Expected<SweepResult> core = runSweep(*base, request);
        QVERIFY(core.has_value());
        QCOMPARE(view.rows().size(), core->rows.size());
        QCOMPARE(view.rows().size(), size_t(3 * 2 * 3));
        for (size_t i = 0; i < core->rows.size(); ++i)
            QVERIFY2(sameRow(view.rows()[i], core->rows[i]), qPrintable(QString("row %1 differs").arg(i)));

        // Each planner's line: at each value, the mean of its feasible rows, computed here.
        std::map<std::pair<std::string, double>, std::pair<double, int>> sums;
        for (const SweepRow& r : core->rows)
            if (r.planned && r.feasible) {
                auto& [sum, count] = sums[{r.algorithm, r.value}];
                sum += r.energyMj;
                ++count;
            }
        int checked = 0;
        for (int line = 0; line < view.chart()->lineCount(); ++line) {
            const LineSeries series = view.chart()->line(line);
            if (!series.name.endsWith("(mean)"))
                continue;
            const std::string planner = series.name.section(' ', 0, 0).toStdString();
            for (int k = 0; k < series.x.size(); ++k) {
                const auto& [sum, count] = sums.at({planner, series.x[k]});
                QVERIFY(std::abs(series.y[k] - sum / count) <= 1e-9 * std::abs(sum));
                ++checked;
            }
        }
        QVERIFY(checked >= 6); // local and og at three values at least
        QVERIFY(!view.isStale());

        // An edit marks the sweep stale, in the status line and on the chart: in a row above
        // the plot, which moves down for it, never over the lines.
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.chart()->replot();
        const QRect plotBefore = view.chart()->plotRect();
        UserTableModel model(&document);
        QVERIFY(model.setData(model.index(0, UserTableModel::DeadlineMs), 321.0));
        QVERIFY(view.isStale());
        QVERIFY(view.chart()->note().contains("run it again"));
        view.chart()->replot();
        QVERIFY2(view.chart()->plotRect().top() > plotBefore.top() + 5,
                 qPrintable(QString("plot top %1 before, %2 after").arg(plotBefore.top()).arg(view.chart()->plotRect().top())));

        // The CSV written reads back as the rows shown.
        QTemporaryDir dir;
        const QString path = dir.path() + "/sweep.csv";
        QVERIFY(view.exportCsv(path).has_value());
        const Expected<std::vector<SweepRow>> back = parseSweepCsv(*readTextFile(path.toStdString()), path.toStdString());
        QVERIFY(back.has_value());
        QCOMPARE(back->size(), view.rows().size());
        for (size_t i = 0; i < back->size(); ++i)
            QVERIFY(sameRow((*back)[i], view.rows()[i]));
    }

    void clickingAPointOpensItsVariant()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kCampus).has_value());
        SweepView view(&document);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy finished(&view, &SweepView::finished);
        QVERIFY(view.runSweep("users", "10,40", "local", 1).has_value());
        QVERIFY(finished.wait(60000));
        QSignalSpy requested(&view, &SweepView::variantRequested);
        int line = -1;
        for (int i = 0; i < view.chart()->lineCount(); ++i)
            if (view.chart()->line(i).name == "local")
                line = i;
        QVERIFY(line >= 0);
        const QPoint at = view.chart()->linePointPosition(line, 1);
        QVERIFY(view.chart()->linePointAt(at).has_value());
        QTest::mouseClick(view.chart()->childAt(at), Qt::LeftButton, {}, view.chart()->childAt(at)->mapFrom(view.chart(), at));
        QCOMPARE(requested.size(), 1);
        const auto scenario = requested[0][0].value<Scenario>();
        QCOMPARE(scenario.userCount(), 40);
        // Named by its parameter and planner, without a word about a CSV nobody exported.
        QCOMPARE(requested[0][1].toString(), QString("users = 40, local's point"));
        QCOMPARE(requested[0][2].toString(), QString("local")); // the window shows that planner's plan
        QCOMPARE(document.scenario().userCount(), 200);         // the open scenario is left as it is
    }

    /// The axes grow as a running sweep's points arrive; under the pointer they hold, so that
    /// the point aimed at is still there when the click lands, and they catch up on leaving.
    void axesHoldUnderThePointerWhileTheSweepRuns()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kCampus).has_value());
        SweepView view(&document);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy finished(&view, &SweepView::finished);
        QVERIFY(view.runSweep("users", "20:400:20", "local,best", 3).has_value()); // best searches: slow enough to watch
        QVERIFY(QTest::qWaitFor([&] { return !view.rows().empty(); }, 60000));
        QEnterEvent enter(QPointF(20, 20), QPointF(20, 20), QPointF(20, 20));
        QCoreApplication::sendEvent(view.chart(), &enter);
        QVERIFY(view.chart()->pointerInside());
        const std::pair<double, double> held = view.chart()->axisRange(ChartAxis::Left);
        const size_t rowsAtEnter = view.rows().size();
        // Local energy grows with the users: later points lie above the first ones' axis.
        QVERIFY(QTest::qWaitFor([&] { return view.rows().size() >= rowsAtEnter + 12 || !view.isRunning(); }, 120000));
        QVERIFY2(view.isRunning(), "the sweep ended before more points arrived: nothing was held");
        QCOMPARE(view.chart()->axisRange(ChartAxis::Left), held);
        QEvent leave(QEvent::Leave);
        QCoreApplication::sendEvent(view.chart(), &leave);
        QVERIFY(!view.chart()->pointerInside());
        double largestMj = 0;
        for (const SweepRow& row : view.rows())
            if (row.algorithm == "local")
                largestMj = std::max(largestMj, row.energyMj);
        QVERIFY(view.chart()->axisRange(ChartAxis::Left).second > held.second);
        QVERIFY(view.chart()->axisRange(ChartAxis::Left).second >= largestMj / 3); // the mean of 3 repeats
        view.cancel();
        QVERIFY(finished.wait(60000));
    }

    void cancelKeepsTheFinishedPoints()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kCampus).has_value());
        SweepView view(&document);
        view.show();
        QSignalSpy finished(&view, &SweepView::finished);
        QVERIFY(view.runSweep("users", "20:200:20", "local,og,best", 3).has_value());
        QVERIFY(QTest::qWaitFor([&] { return !view.rows().empty(); }, 60000));
        view.cancel();
        QVERIFY(finished.wait(60000));
        QVERIFY(!view.rows().empty());
        QVERIFY(view.rows().size() < size_t(10 * 3 * 3));
        QVERIFY2(view.statusLabel()->text().startsWith("Cancelled"), qPrintable(view.statusLabel()->text()));
    }

    void badValuesAreRefusedWithAReason()
    {
        ScenarioDocument document;
        QVERIFY(document.load(kClassroom).has_value());
        SweepView view(&document);
        QVERIFY(view.chart()->isHidden()); // no sweep yet: a sentence, not empty axes
        QVERIFY(errorText(view.runSweep("users", "5:1:1")).contains("below the first"));
        QVERIFY(errorText(view.runSweep("users", "4,500")).contains("500")); // a table cannot draw more users
        QVERIFY(errorText(view.runSweep("bogus", "1")).contains("deadline_scale"));
        QVERIFY(!view.isRunning());
    }

    void aVariantOpensInItsOwnWindow()
    {
        MainWindow window;
        QVERIFY(window.openFile(kCampus, true));
        Scenario smaller = window.document()->scenario();
        smaller.users.resize(12);
        MainWindow* opened = window.openVariant(smaller, "users = 12 (repeat 1, og)", "og");
        // The point clicked was og's: its window shows og's plan, not best's.
        QVERIFY(QTest::qWaitFor([&] { return !opened->runner()->isRunning(); }, 60000));
        QCOMPARE(opened->findChild<QComboBox*>("planChoice")->currentText(), QString("og"));
        QVERIFY(opened != &window);
        QCOMPARE(opened->document()->scenario().userCount(), 12);
        QVERIFY(opened->windowTitle().contains("users = 12"));
        QCOMPARE(window.document()->scenario().userCount(), 200);
        QVERIFY(!window.document()->isModified());
        opened->close();
    }
};

QTEST_MAIN(TestSweepView)
#include "test_sweepview.moc"
