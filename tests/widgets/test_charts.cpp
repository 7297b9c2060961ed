// The chart adapter alone: series read back as they were given, stacking, lines on the right
// axis, the legend below the plot, clicks that name the data point, clearing, and files in every
// format it writes.
#include "widgets/charts/chartview.h"
#include "widgets/charts/palette.h"

#include <QByteArray>
#include <QColor>
#include <QCoreApplication>
#include <QFile>
#include <QFontMetrics>
#include <QIODevice>
#include <QImage>
#include <QList>
#include <QObject>
#include <QPen>
#include <QPixmap>
#include <QPoint>
#include <QPointF>
#include <QRect>
#include <QRgb>
#include <QSignalSpy>
#include <QSize>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>
#include <QVector>
#include <QWheelEvent>
#include <QWidget>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

using namespace coinfer;

namespace {

/// The major tick marks on the left value axis of a drawn chart, counted from its pixels: the
/// axis is the column with the longest run of dark pixels in the left third, and a major tick
/// (5 px into the plot; a minor one is 2 px) is a run of dark rows 4 px right of it.
qsizetype majorValueTickMarks(const QImage& image)
{
    const auto dark = [&](int x, int y) { return qGray(image.pixel(x, y)) < 100; };
    int axisX = 0, longest = 0;
    for (int x = 0; x < image.width() / 3; ++x) {
        int run = 0, best = 0;
        for (int y = 0; y < image.height(); ++y) {
            run = dark(x, y) ? run + 1 : 0;
            best = std::max(best, run);
        }
        if (best > longest) {
            longest = best;
            axisX = x;
        }
    }
    qsizetype marks = 0;
    bool inMark = false;
    for (int y = 0; y < image.height(); ++y) {
        const bool now = dark(axisX, y) && dark(axisX + 4, y);
        marks += now && !inMark ? 1 : 0;
        inMark = now;
    }
    return marks;
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT

private slots:
    void seriesReadBackAsGiven()
    {
        ChartView chart;
        chart.resize(600, 400);
        const int base = chart.addBars(
            {.name = "computing", .x = {0, 1}, .y = {1, 2}, .fill = QColor(120, 170, 90), .width = 0.4, .group = 0});
        const int top = chart.addBars({.name = "uploading",
                                       .x = {0, 1},
                                       .y = {3, 4},
                                       .fill = QColor(230, 160, 60),
                                       .outlined = false,
                                       .width = 0.4,
                                       .stackedOn = base});
        const int line = chart.addLine(
            {.name = "bound", .x = {0, 1}, .y = {5, 5}, .pen = QPen(Qt::red, 2, Qt::DashLine), .valueAxis = ChartAxis::Right});
        QCOMPARE(base, 0);
        QCOMPARE(top, 1);
        QCOMPARE(line, 0);
        QCOMPARE(chart.barSeriesCount(), 2);
        QCOMPARE(chart.lineCount(), 1);
        const BarSeries uploading = chart.barSeries(top);
        QCOMPARE(uploading.name, QString("uploading"));
        QCOMPARE(uploading.x, (QVector<double>{0, 1}));
        QCOMPARE(uploading.y, (QVector<double>{3, 4}));
        QCOMPARE(uploading.fill, QColor(230, 160, 60));
        QVERIFY(!uploading.outlined);
        QVERIFY(chart.barSeries(base).outlined);
        QCOMPARE(uploading.width, 0.4);
        const LineSeries bound = chart.line(line);
        QCOMPARE(bound.name, QString("bound"));
        QCOMPARE(bound.pen.style(), Qt::DashLine);
        QCOMPARE(bound.valueAxis, ChartAxis::Right);
        // Stacked bars reach the sum of their heights; the line's axis fits the line.
        chart.fitAxesToData();
        QVERIFY(chart.axisRange(ChartAxis::Left).second >= 6 - 1e-9);
        QVERIFY(chart.axisRange(ChartAxis::Right).first <= 5 && chart.axisRange(ChartAxis::Right).second >= 5);
        chart.setAxisLower(ChartAxis::Left, -1);
        QCOMPARE(chart.axisRange(ChartAxis::Left).first, -1.0);
        // A line grows point by point and can be emptied without losing its style.
        chart.appendToLine(line, 2, 6);
        QCOMPARE(chart.line(line).x.size(), qsizetype(3));
        chart.clearLine(line);
        QCOMPARE(chart.lineCount(), 1);
        QVERIFY(chart.line(line).x.isEmpty());
        QCOMPARE(chart.line(line).pen.style(), Qt::DashLine);
        chart.clear();
        QCOMPARE(chart.barSeriesCount(), 0);
        QCOMPARE(chart.lineCount(), 0);
        chart.highlightBars(0);                                       // nothing to highlight: no effect
        QCOMPARE(chart.addBars({.x = {0}, .y = {1}, .group = 0}), 0); // indices start again after clear()
    }

    void legendBelowNeverCoversThePlot()
    {
        ChartView chart;
        chart.resize(600, 400);
        chart.setLegend(LegendPlacement::Below);
        for (int k = 0; k < 4; ++k)
            chart.addBars({.name = QString("series %1").arg(k), .x = {double(k)}, .y = {10.0}, .fill = Qt::gray});
        chart.fitAxesToData();
        chart.replot();
        QVERIFY(!chart.legendRect().intersects(chart.plotRect().adjusted(1, 1, -1, -1)));
        QVERIFY(chart.legendRect().top() >= chart.plotRect().bottom() - 1);
        // Its frame is whole: its right and bottom sides lay outside what the chart draws.
        const QImage shot = chart.grab().toImage();
        const QRect legend = chart.legendRect();
        const auto dark = [&shot](int x, int y) { return qGray(shot.pixel(x, y)) < 100; };
        int rightmost = -1, lowest = -1;
        for (int x = 0; x < shot.width(); ++x)
            if (dark(x, legend.center().y()))
                rightmost = x;
        for (int y = 0; y < shot.height(); ++y)
            if (dark(legend.right() - 3, y)) // right of the last entry: only the frame is there
                lowest = y;
        QVERIFY2(rightmost >= legend.right() && lowest >= legend.bottom(),
                 qPrintable(QString("the frame's last dark pixels at x %1, y %2; the legend ends at %3, %4")
                                .arg(rightmost)
                                .arg(lowest)
                                .arg(legend.right())
                                .arg(legend.bottom())));
    }

    void clicksNameTheDataPoint()
    {
        // One bar fills the plot, so a click in the middle of it lands on data point 0.
        ChartView chart;
        chart.resize(400, 300);
        chart.addBars({.x = {0}, .y = {10}, .fill = Qt::gray, .width = 1});
        chart.setAxisRange(ChartAxis::Bottom, -0.5, 0.5);
        chart.setAxisRange(ChartAxis::Left, 0, 10);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.replot();
        QSignalSpy clicked(&chart, &ChartView::dataClicked);
        const QPoint middle = chart.plotRect().center();
        QWidget* plot = chart.childAt(middle);
        QVERIFY(plot);
        QTest::mouseClick(plot, Qt::LeftButton, {}, plot->mapFrom(&chart, middle));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.front().front().toInt(), 0);
    }

    void integerTicksNeverFallBetweenWholeNumbers()
    {
        // A range of a few units: the library alone ticks at 0.5 or 2.5 steps.
        ChartView chart;
        chart.resize(600, 400);
        chart.setIntegerTicks(ChartAxis::Bottom);
        chart.addBars({.x = {0, 1, 2, 3, 4, 5}, .y = {1, 2, 3, 2, 1, 7}});
        for (const auto& [lower, upper] :
             {std::pair{-0.7, 5.7}, std::pair{-0.5, 2.5}, std::pair{0.0, 13.0}, std::pair{0.0, 12345.0}}) {
            chart.setAxisRange(ChartAxis::Bottom, lower, upper);
            chart.replot();
            const QVector<double> ticks = chart.ticks(ChartAxis::Bottom);
            QVERIFY(ticks.size() >= 2);
            for (double tick : ticks)
                QVERIFY2(tick == std::round(tick), qPrintable(QString("%1 in %2..%3").arg(tick).arg(lower).arg(upper)));
        }
    }

    /// Bars stacked on bars of a side-by-side group sit exactly on them: same left and right
    /// edges (the uploading part of "energy per user" stood half off its computing part).
    /// The mark of the chosen key is on screen only: a chart saved or drawn for a report is
    /// the same with and without it.
    void theSelectionIsNotExported()
    {
        ChartView chart;
        chart.resize(600, 400);
        chart.addBars({.name = "plan", .x = {0, 1, 2}, .y = {3, 4, 5}, .fill = QColor(120, 170, 90), .width = 0.4});
        chart.setAxisRange(ChartAxis::Bottom, -0.7, 2.7);
        chart.setAxisRange(ChartAxis::Left, 0, 7);
        QTemporaryDir dir;
        const QImage plain = chart.toPixmap(600, 400).toImage();
        QVERIFY(chart.save(dir.filePath("plain.png"), 600, 400));
        chart.highlightBars(1);
        QCOMPARE(chart.toPixmap(600, 400).toImage(), plain);
        QVERIFY(chart.save(dir.filePath("marked.png"), 600, 400));
        QCOMPARE(QImage(dir.filePath("marked.png")), QImage(dir.filePath("plain.png")));
        chart.markKey(2, 0); // the vertical line form
        QCOMPARE(chart.toPixmap(600, 400).toImage(), plain);
        // ... and still on screen afterwards.
        QVERIFY(chart.markedKey());
        chart.replot();
        const QImage screen = chart.grab().toImage();
        bool selectionShown = false;
        for (int y = 0; y < screen.height() && !selectionShown; ++y)
            for (int x = 0; x < screen.width() && !selectionShown; ++x)
                selectionShown = screen.pixelColor(x, y) == palette::selection();
        QVERIFY(selectionShown);
    }

    void stackedBarsSitOnTheBarsBelowThemInAGroup()
    {
        ChartView chart;
        const QColor computing(120, 170, 90), uploading(230, 160, 60), local(190, 190, 190);
        const int below =
            chart.addBars({.x = {0, 1, 2}, .y = {2, 2, 2}, .fill = computing, .outlined = false, .width = 0.4, .group = 0});
        chart.addBars({.x = {0, 1, 2}, .y = {2, 2, 2}, .fill = uploading, .outlined = false, .width = 0.4, .stackedOn = below});
        chart.addBars({.x = {0, 1, 2}, .y = {6, 6, 6}, .fill = local, .outlined = false, .width = 0.4, .group = 0});
        chart.setAxisRange(ChartAxis::Bottom, -0.7, 2.7);
        chart.setAxisRange(ChartAxis::Left, 0, 7);
        const QImage image = chart.toPixmap(600, 400).toImage();
        // The columns of each colour along a row through the lower and through the upper part.
        const auto columns = [&image](const QColor& colour) {
            std::vector<int> xs;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    if (image.pixelColor(x, y) == colour)
                        xs.push_back(x);
            std::sort(xs.begin(), xs.end());
            xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
            return xs;
        };
        const std::vector<int> lower = columns(computing), upper = columns(uploading), beside = columns(local);
        QVERIFY(lower.size() > 30 && !upper.empty() && !beside.empty());
        // Equal but for a smoothed edge column here and there (the bars are three).
        std::vector<int> differing;
        std::set_symmetric_difference(lower.begin(), lower.end(), upper.begin(), upper.end(), std::back_inserter(differing));
        QVERIFY2(differing.size() <= 3, qPrintable(QString("%1 columns differ of %2").arg(differing.size()).arg(lower.size())));
        QVERIFY(
            std::none_of(beside.begin(), beside.end(), [&](int x) { return std::binary_search(lower.begin(), lower.end(), x); }));
    }

    /// A short chart (two timelines compared below it) draws fewer value labels rather than
    /// crowd them: a tick every 5 mJ on a plot 100 px tall left labels touching.
    void aShortChartKeepsItsValueLabelsApart()
    {
        const auto valueTicks = [](int height) {
            ChartView chart;
            chart.resize(600, height);
            chart.addBars({.x = {0, 1, 2}, .y = {37, 8, 37}, .fill = QColor(190, 190, 190), .width = 0.4}); // a classroom
            chart.setAxisRange(ChartAxis::Bottom, -0.7, 2.7);
            chart.setAxisRange(ChartAxis::Left, 0, 37.4);
            chart.show(); // the plot takes the chart's size when the chart is shown
            if (!QTest::qWaitForWindowExposed(&chart))
                return QVector<double>{};
            chart.replot();
            QTest::qWait(50); // the replot queued once the plot's height is known
            return chart.ticks(ChartAxis::Left);
        };
        // Labels at least 30 px apart: the plot of a 160 px chart is well under 160 px tall.
        const QVector<double> few = valueTicks(160);
        QVERIFY2(few.size() >= 2 && few.size() <= 160 / 30, qPrintable(QString("%1 ticks").arg(few.size())));
        // A tall chart keeps the library's usual density (a tick every 5 mJ here).
        const QVector<double> many = valueTicks(600);
        QVERIFY2(many.size() >= 4 && many.size() > few.size(),
                 qPrintable(QString("%1 ticks against %2").arg(many.size()).arg(few.size())));
    }

    /// A narrow chart of batch sizes 1 to 32 (the DNN page's batch curves beside the split
    /// points) keeps its key labels apart: they ran together as "51015202530".
    void aNarrowChartKeepsItsKeyLabelsApart()
    {
        ChartView chart;
        chart.resize(110, 400);
        chart.setIntegerTicks(ChartAxis::Bottom);
        chart.addLine({.x = {1, 32}, .y = {0.1, 0.8}, .pen = QPen(Qt::black, 1)});
        chart.fitAxesToData();
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.replot();
        QTest::qWait(50); // the replots queued once the plot's width is known
        // Adjacent labels (at most "30") at least 4 px apart, judged generously: the plot is
        // narrower than plotRect(), which holds the value axis' labels too.
        const QVector<double> ticks = chart.ticks(ChartAxis::Bottom);
        const int labelWidth = QFontMetrics(chart.font()).horizontalAdvance("30");
        const auto [lower, upper] = chart.axisRange(ChartAxis::Bottom);
        QVERIFY(ticks.size() >= 2);
        const double apartPx = (ticks[1] - ticks[0]) / (upper - lower) * chart.plotRect().width();
        QVERIFY2(apartPx >= labelWidth + 4,
                 qPrintable(QString("labels %1 px wide, %2 px apart (%3 ticks)").arg(labelWidth).arg(apartPx).arg(ticks.size())));
        // A wide one keeps the library's usual density.
        chart.resize(800, 400);
        chart.replot();
        QTest::qWait(50);
        QVERIFY2(chart.ticks(ChartAxis::Bottom).size() >= 5, qPrintable(QString::number(chart.ticks(ChartAxis::Bottom).size())));
    }

    /// A chart written to a file much smaller than it is on screen gets the value ticks of the
    /// file's height, as a chart shown at that size has: with the screen's, a 150 px PNG of a
    /// 700 px chart crowded its labels.
    void anExportGetsTheTicksOfItsOwnSize()
    {
        const auto shownAt = [](ChartView& chart, int height) {
            chart.resize(600, height);
            chart.addLine({.x = {0, 1, 2}, .y = {37, 8, 37}, .pen = QPen(Qt::black, 1)});
            chart.setAxisRange(ChartAxis::Bottom, -0.7, 2.7);
            chart.setAxisRange(ChartAxis::Left, 0, 37.4);
            chart.show();
            if (!QTest::qWaitForWindowExposed(&chart))
                return false;
            chart.replot();
            QTest::qWait(50); // the replot queued once the plot's height is known
            return true;
        };
        ChartView small;
        QVERIFY(shownAt(small, 150));
        const qsizetype expected = small.ticks(ChartAxis::Left).size();
        ChartView tall;
        QVERIFY(shownAt(tall, 700));
        const QVector<double> screenTicks = tall.ticks(ChartAxis::Left);
        QVERIFY2(screenTicks.size() > expected, "the test needs a screen with more ticks than the file holds");
        QTemporaryDir dir;
        QVERIFY(tall.save(dir.filePath("small.png"), 600, 150));
        QCOMPARE(majorValueTickMarks(QImage(dir.filePath("small.png"))), expected);
        QCOMPARE(majorValueTickMarks(tall.toPixmap(600, 150).toImage()), expected);
        // The screen keeps its own ticks.
        QTest::qWait(50);
        QCOMPARE(tall.ticks(ChartAxis::Left), screenTicks);
    }

    /// The mark of a key whose group holds a stacked bar hugs that key's bars (energy per user:
    /// computing with uploading on it, beside local only) and reaches into no neighbour's.
    void selectionHugsAGroupWithAStackedBar()
    {
        ChartView chart;
        chart.resize(600, 400);
        const QColor computing(120, 170, 90), uploading(230, 160, 60), local(190, 190, 190);
        const int below =
            chart.addBars({.x = {0, 1, 2}, .y = {2, 2, 2}, .fill = computing, .outlined = false, .width = 0.4, .group = 0});
        chart.addBars({.x = {0, 1, 2}, .y = {2, 2, 2}, .fill = uploading, .outlined = false, .width = 0.4, .stackedOn = below});
        chart.addBars({.x = {0, 1, 2}, .y = {6, 6, 6}, .fill = local, .outlined = false, .width = 0.4, .group = 0});
        chart.setAxisRange(ChartAxis::Bottom, -0.7, 2.7);
        chart.setAxisRange(ChartAxis::Left, 0, 7);
        chart.replot();
        chart.highlightBars(1);
        const QImage screen = chart.grab().toImage();
        // The columns holding bar fills, in three runs (one per key), and those of the mark.
        std::vector<int> barColumns;
        int markLeft = screen.width(), markRight = -1;
        for (int x = 0; x < screen.width(); ++x) {
            // Columns of a bar or of the mark's sides, not of a small legend icon or frame.
            int barPixels = 0, markPixels = 0;
            for (int y = 0; y < screen.height(); ++y) {
                const QColor colour = screen.pixelColor(x, y);
                markPixels += colour == palette::selection();
                barPixels += colour == computing || colour == local;
            }
            if (markPixels >= 100) {
                markLeft = std::min(markLeft, x);
                markRight = std::max(markRight, x);
            }
            if (barPixels >= 30)
                barColumns.push_back(x);
        }
        std::vector<std::pair<int, int>> runs; // [first, last] column of each key's bars
        for (int x : barColumns)
            if (runs.empty() || x > runs.back().second + 6)
                runs.push_back({x, x});
            else
                runs.back().second = x;
        QString found;
        for (const auto& [from, to] : runs)
            found += QString(" %1..%2").arg(from).arg(to);
        QVERIFY2(runs.size() == 3, qPrintable(found));
        QVERIFY(markRight > markLeft);
        const int barsWidth = runs[1].second - runs[1].first;
        QVERIFY2(markLeft > runs[0].second && markRight < runs[2].first,
                 qPrintable(QString("mark %1..%2, neighbours end at %3 and start at %4")
                                .arg(markLeft)
                                .arg(markRight)
                                .arg(runs[0].second)
                                .arg(runs[2].first)));
        // Hugging: no more than a tenth of the bars' width beside them on either side.
        QVERIFY(markLeft <= runs[1].first && markRight >= runs[1].second);
        QVERIFY2(
            runs[1].first - markLeft <= barsWidth / 10 + 3 && markRight - runs[1].second <= barsWidth / 10 + 3,
            qPrintable(
                QString("mark %1..%2 around bars %3..%4").arg(markLeft).arg(markRight).arg(runs[1].first).arg(runs[1].second)));
    }

    void selectionOutlinesTheKeyAndKeepsEveryFill()
    {
        ChartView chart;
        chart.resize(600, 400);
        const QColor green(120, 170, 90), grey(190, 190, 190);
        chart.addBars(
            {.name = "plan", .x = {0, 1, 2}, .y = {3, 4, 5}, .fill = green, .outlined = false, .width = 0.4, .group = 0});
        chart.addBars(
            {.name = "local", .x = {0, 1, 2}, .y = {6, 6, 6}, .fill = grey, .outlined = false, .width = 0.4, .group = 0});
        chart.setAxisRange(ChartAxis::Bottom, -0.7, 2.7);
        chart.setAxisRange(ChartAxis::Left, 0, 7);
        chart.replot();
        const QImage before = chart.grab().toImage(); // as on screen
        chart.highlightBars(1);
        QCOMPARE(chart.markedKey().value_or(-1), 1.0);
        const QImage after = chart.grab().toImage();
        // Pixels that changed are the mark's (drawn in the selection colour, grey where smoothed),
        // never a bar recoloured: the bars keep their colour, pixel for pixel but the outline's.
        int changed = 0, greenBefore = 0, greenAfter = 0;
        for (int y = 0; y < after.height(); ++y)
            for (int x = 0; x < after.width(); ++x) {
                greenBefore += before.pixelColor(x, y) == green;
                greenAfter += after.pixelColor(x, y) == green;
            }
        QVERIFY(greenBefore > 1000);
        QVERIFY2(greenAfter > greenBefore * 9 / 10,
                 qPrintable(QString("%1 of %2 green pixels left").arg(greenAfter).arg(greenBefore)));
        for (int y = 0; y < after.height(); ++y)
            for (int x = 0; x < after.width(); ++x)
                if (before.pixel(x, y) != after.pixel(x, y)) {
                    ++changed;
                    const QColor now = after.pixelColor(x, y);
                    QVERIFY2(now.hsvSaturation() < 40 || now == green || now == grey,
                             qPrintable(QString("pixel %1,%2 became %3").arg(x).arg(y).arg(now.name())));
                }
        QVERIFY(changed > 0);
        QCOMPARE(chart.barSeries(0).fill, green);
        QCOMPARE(chart.barSeries(1).fill, grey);
        chart.highlightBars(-1);
        QVERIFY(!chart.markedKey());
    }

    void legendTogglesHoverAndFit()
    {
        ChartView chart;
        chart.resize(600, 400);
        chart.setLegend(LegendPlacement::Below);
        chart.setAxisLabel(ChartAxis::Left, "Energy (mJ)");
        chart.setKeyLabels({0, 1}, {"ana", "ben"});
        chart.addBars({.name = "computing", .x = {0, 1}, .y = {3, 8}, .fill = Qt::green, .width = 0.8});
        chart.addLine({.name = "bound", .x = {-0.5, 1.5}, .y = {9, 9}, .pen = QPen(Qt::red)});
        chart.setAxisRange(ChartAxis::Bottom, -0.5, 1.5);
        chart.setAxisRange(ChartAxis::Left, 0, 10);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.replot();
        // Hovering over ben's bar names the series, the user and the value with its unit.
        const QRect plot = chart.plotRect();
        const QString hover = chart.hoverText(QPoint(plot.left() + plot.width() * 3 / 4, plot.bottom() - 60));
        QVERIFY2(hover.contains("computing") && hover.contains("ben") && hover.contains("8") && hover.contains("mJ"),
                 qPrintable(hover));
        QVERIFY(chart.hoverText(QPoint(plot.left() + 3, plot.top() + 3)).isEmpty()); // in the margin, away from data
        // A click on a legend entry hides its series; a second shows it again.
        QCOMPARE(chart.legendEntryCount(), 2);
        const QRect entry = chart.legendEntryRect(0);
        QWidget* plotWidget = chart.childAt(entry.center());
        QVERIFY(plotWidget);
        QTest::mouseClick(plotWidget, Qt::LeftButton, {}, plotWidget->mapFrom(&chart, entry.center()));
        QVERIFY(!chart.legendEntryShown(0));
        QVERIFY(chart.legendEntryShown(1));
        QVERIFY(chart.hoverText(QPoint(plot.left() + plot.width() * 3 / 4, plot.bottom() - 60))
                    .isEmpty()); // hidden: nothing to hover
        chart.toggleLegendEntry(0);
        QVERIFY(chart.legendEntryShown(0));
        // Zoomed and panned away, a double-click brings back the ranges of the last replot.
        chart.setAxisRange(ChartAxis::Bottom, 5, 6);
        chart.setAxisRange(ChartAxis::Left, -3, -2);
        QTest::mouseDClick(plotWidget, Qt::LeftButton, {}, plotWidget->mapFrom(&chart, plot.center()));
        QCOMPARE(chart.axisRange(ChartAxis::Bottom), std::make_pair(-0.5, 1.5));
        QCOMPARE(chart.axisRange(ChartAxis::Left), std::make_pair(0.0, 10.0));
        // The wheel zooms in around the mouse.
        QWheelEvent wheel(QPointF(plotWidget->mapFrom(&chart, plot.center())),
                          QPointF(plotWidget->mapToGlobal(plotWidget->mapFrom(&chart, plot.center()))), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(plotWidget, &wheel);
        const auto [lower, upper] = chart.axisRange(ChartAxis::Bottom);
        QVERIFY2(upper - lower < 2.0, qPrintable(QString("%1..%2").arg(lower).arg(upper)));
        // However far the wheel turns, the view keeps within reach of the data: 30 notches out
        // once shrank a whole comparison chart to a line.
        for (int notch = 0; notch < 60; ++notch) {
            QWheelEvent out(QPointF(plotWidget->mapFrom(&chart, plot.center())),
                            QPointF(plotWidget->mapToGlobal(plotWidget->mapFrom(&chart, plot.center()))), QPoint(),
                            QPoint(0, -120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QCoreApplication::sendEvent(plotWidget, &out);
        }
        for (ChartAxis axis : {ChartAxis::Bottom, ChartAxis::Left}) {
            const auto [outLower, outUpper] = chart.axisRange(axis);
            const double home = axis == ChartAxis::Bottom ? 2.0 : 10.0;
            QVERIFY2(outUpper - outLower <= home * ChartView::kMostZoomOut * (1 + 1e-9),
                     qPrintable(QString("%1..%2").arg(outLower).arg(outUpper)));
        }
        for (int notch = 0; notch < 200; ++notch) {
            QWheelEvent in(QPointF(plotWidget->mapFrom(&chart, plot.center())),
                           QPointF(plotWidget->mapToGlobal(plotWidget->mapFrom(&chart, plot.center()))), QPoint(), QPoint(0, 120),
                           Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
            QCoreApplication::sendEvent(plotWidget, &in);
        }
        const auto [inLower, inUpper] = chart.axisRange(ChartAxis::Bottom);
        QVERIFY(inUpper - inLower >= 2.0 * ChartView::kLeastZoomShare * (1 - 1e-9));
    }

    void ctrlDragZoomsToTheBoxAndPlainDragPans()
    {
        ChartView chart;
        chart.resize(600, 400);
        chart.addBars({.name = "energy", .x = {0, 1, 2, 3}, .y = {1, 2, 3, 4}, .fill = Qt::gray});
        chart.setAxisRange(ChartAxis::Bottom, -0.5, 3.5);
        chart.setAxisRange(ChartAxis::Left, 0, 5);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.replot();
        const QRect plot = chart.plotRect();
        QWidget* plotWidget = chart.childAt(plot.center());
        QVERIFY(plotWidget);
        const QPoint from = plotWidget->mapFrom(&chart, plot.center() - QPoint(60, 40));
        const QPoint to = plotWidget->mapFrom(&chart, plot.center() + QPoint(60, 40));
        QTest::mousePress(plotWidget, Qt::LeftButton, Qt::ControlModifier, from);
        QTest::mouseMove(plotWidget, (from + to) / 2);
        QTest::mouseMove(plotWidget, to);
        QTest::mouseRelease(plotWidget, Qt::LeftButton, Qt::ControlModifier, to);
        const auto [lower, upper] = chart.axisRange(ChartAxis::Bottom);
        QVERIFY2(upper - lower < 2.5 && lower > -0.5 && upper < 3.5,
                 qPrintable(QString("box zoom gave %1..%2").arg(lower).arg(upper)));
        chart.fitView();
        QCOMPARE(chart.axisRange(ChartAxis::Bottom), std::make_pair(-0.5, 3.5));
        // Without Ctrl the same drag moves the view sideways, keeping its width.
        QTest::mousePress(plotWidget, Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(plotWidget, (from + to) / 2);
        QTest::mouseMove(plotWidget, to);
        QTest::mouseRelease(plotWidget, Qt::LeftButton, Qt::NoModifier, to);
        const auto [panLower, panUpper] = chart.axisRange(ChartAxis::Bottom);
        QVERIFY2(panLower < -0.5 && std::fabs((panUpper - panLower) - 4.0) < 1e-6,
                 qPrintable(QString("pan gave %1..%2").arg(panLower).arg(panUpper)));
        // However far it is dragged, the view stays on the data, a tenth of its range beyond
        // at most (an axis of users once reached -200).
        const QPoint left = plotWidget->mapFrom(&chart, QPoint(plot.left() + 5, plot.center().y()));
        const QPoint right = plotWidget->mapFrom(&chart, QPoint(plot.right() - 5, plot.center().y()));
        for (int drag = 0; drag < 5; ++drag) {
            QTest::mousePress(plotWidget, Qt::LeftButton, Qt::NoModifier, left);
            QTest::mouseMove(plotWidget, (left + right) / 2);
            QTest::mouseMove(plotWidget, right);
            QTest::mouseRelease(plotWidget, Qt::LeftButton, Qt::NoModifier, right);
        }
        const auto [farLower, farUpper] = chart.axisRange(ChartAxis::Bottom);
        QVERIFY2(farLower >= -0.5 - ChartView::kPanMargin * 4 - 1e-9 && std::fabs((farUpper - farLower) - 4.0) < 1e-6,
                 qPrintable(QString("dragged to %1..%2").arg(farLower).arg(farUpper)));
    }

    void filesInEveryFormat()
    {
        ChartView chart;
        chart.setAxisLabel(ChartAxis::Left, "Energy (mJ)");
        chart.setKeyLabels({1, 2}, {"local", "og"});
        chart.addBars({.name = "energy", .x = {1, 2}, .y = {3, 1}, .fill = QColor(70, 130, 180)});
        QTemporaryDir dir;
        QVERIFY(chart.save(dir.path() + "/chart.png", 300, 200));
        QCOMPARE(QImage(dir.path() + "/chart.png").size(), QSize(300, 200));
        QVERIFY(chart.save(dir.path() + "/chart.jpg", 300, 200));
        QCOMPARE(QImage(dir.path() + "/chart.jpg").size(), QSize(300, 200));
        QVERIFY(chart.save(dir.path() + "/chart.svg", 300, 200));
        QFile svg(dir.path() + "/chart.svg");
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        QVERIFY(chart.save(dir.path() + "/chart.pdf", 300, 200));
        QFile pdf(dir.path() + "/chart.pdf");
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.readAll().startsWith("%PDF"));
        QCOMPARE(chart.toPixmap(320, 240).size(), QSize(320, 240));
        QVERIFY(!chart.save("/nonexistent/dir/chart.png"));
    }
};

QTEST_MAIN(TestCharts)
#include "test_charts.moc"
