// The PDF report at 8, 300 and 10,000 users: the comparison, a timeline overview when given,
// and the plan's charts, aggregate past the per-user limit. Set COINFER_REPORT_DIR to keep the
// PDFs (to look at them: pdftoppm -png -r 60).
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/charts/chartview.h"
#include "widgets/document/errortext.h"
#include "widgets/document/planrunner.h"
#include "widgets/export/report.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/plancharts.h"

#include <QByteArray>
#include <QChar>
#include <QColor>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QIODevice>
#include <QImage>
#include <QLabel>
#include <QList>
#include <QObject>
#include <QPainter>
#include <QRect>
#include <QString>
#include <QStringList>
#include <QTableWidgetItem>
#include <QTemporaryDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTableWidget>
#include <QPdfWriter>
#include <QPageSize>
#include <QTest>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

using namespace coinfer;

namespace {

const QString kClassroom = QStringLiteral(COINFER_EXAMPLES "/classroom.json");
const QString kCampus = QStringLiteral(COINFER_EXAMPLES "/campus.json");

/// Campus with @p users users (its population drawn again from the same seed).
Scenario campusOf(int users)
{
    QFile file(kCampus);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QString text = QString::fromUtf8(file.readAll());
    text.replace(QStringLiteral("\"count\": 200"), QStringLiteral("\"count\": %1").arg(users));
    const QByteArray utf8 = text.toUtf8();
    return *parseScenario(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())), "campus");
}

/// Lanes in the plan's colours: a stand-in for the timeline's overview strip.
QImage stripOf(int users)
{
    QImage strip(1200, 160, QImage::Format_RGB32);
    strip.fill(Qt::white);
    QPainter painter(&strip);
    for (int y = 0; y < strip.height(); ++y)
        painter.fillRect(QRect(0, y, 200 + (y * 37 + users) % 700, 1), y % 2 ? QColor(120, 170, 90) : QColor(230, 160, 60));
    return strip;
}

/// How many pages a PDF written by Qt has.
int pageCount(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return static_cast<int>(file.readAll().count("/Type /Page\n") + 0);
}

} // namespace

class TestReport : public QObject {
    Q_OBJECT

private slots:
    void reportAtEverySize_data()
    {
        QTest::addColumn<int>("users");
        QTest::newRow("8") << 8;
        QTest::newRow("300") << 300;
        QTest::newRow("10000") << 10'000;
    }

    void reportAtEverySize()
    {
        QFETCH(int, users);
        const Scenario scenario = users == 8 ? *readScenario(kClassroom.toStdString()) : campusOf(users);
        QCOMPARE(scenario.userCount(), users);
        std::vector<AlgorithmResult> results;
        for (Algorithm algorithm : {Algorithm::Local, Algorithm::NoBatching, Algorithm::Og}) {
            Expected<Plan> plan = makePlan(scenario, CostModel(scenario), algorithm);
            QVERIFY(plan.has_value());
            AlgorithmResult result{.algorithm = algorithm, .plan = *plan, .message = {}};
            results.push_back(result);
        }
        ComparisonView comparison;
        comparison.resize(900, 700);
        comparison.showResults(results);
        PlanCharts charts;
        charts.resize(1000, 320);
        charts.showPlan(scenario, *results.back().plan);
        ReportContents contents{.recommendation = comparison.summary()->text(),
                                .table = comparison.table(),
                                .charts = {comparison.chart()},
                                .timelineOverview = {}};
        for (const ChartView* chart : charts.reportCharts())
            contents.charts.push_back(chart);
        // Per-user bars only while they stay apart; the aggregates past the limit.
        QCOMPARE(std::find(contents.charts.begin(), contents.charts.end(), charts.energyChart()) != contents.charts.end(),
                 users <= PlanCharts::kPerUserBarLimit);
        contents.timelineOverview = stripOf(users);

        QTemporaryDir temporary;
        const QString folder =
            qEnvironmentVariableIsSet("COINFER_REPORT_DIR") ? qEnvironmentVariable("COINFER_REPORT_DIR") : temporary.path();
        const QString path = QDir(folder).filePath(QStringLiteral("report-%1.pdf").arg(users));
        QElapsedTimer timer;
        timer.start();
        const Expected<void> written = writeReport(path, scenario, contents);
        QVERIFY2(written, qPrintable(errorText(written)));
        qInfo("report at %d users: %lld ms, %d page(s)", users, timer.elapsed(), pageCount(path));
        QFile pdf(path);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.readAll().startsWith("%PDF"));
        QVERIFY(pageCount(path) >= 1 && pageCount(path) <= 2);
    }

    /// A cell too long for its column wraps instead of being cut ("best (recommend...",
    /// "budget spent in 1.0 s, not pro..." at 2,000 users), and the timeline overview spans the
    /// page's width. Read back with poppler's pdftotext and pdfimages where they are installed.
    void longCellsWrapAndTheOverviewSpansThePage()
    {
        if (QStandardPaths::findExecutable("pdftotext").isEmpty() || QStandardPaths::findExecutable("pdfimages").isEmpty())
            QSKIP("pdftotext and pdfimages (Debian's poppler-utils) are not installed");
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        QTableWidget table(2, 8);
        table.setHorizontalHeaderLabels(
            {"Algorithm", "Energy\n(mJ)", "Saving\n(%)", "Batches", "Feasible", "Lower\nbound (mJ)", "Gap to\nbound", "Search"});
        const QStringList best = {"best (recommended)",
                                  "55790.030",
                                  "11.39",
                                  "20",
                                  "yes",
                                  "55387.419",
                                  "0.73 %",
                                  "budget spent in 0.7 s, not proven; the bound leaves 0.73 % and a longer search may close it"};
        const QStringList exact = {"exact", "55790.030", "11.39",  "20",
                                   "yes",   "55387.419", "0.73 %", "stopped at 1.5 s, not proven"};
        for (int c = 0; c < 8; ++c) {
            table.setItem(0, c, new QTableWidgetItem(best[c]));
            table.setItem(1, c, new QTableWidgetItem(exact[c]));
        }
        QImage overview(1200, 900, QImage::Format_RGB32);
        overview.fill(QColor(120, 170, 90));
        QTemporaryDir dir;
        const QString path = dir.filePath("report.pdf");
        const Expected<void> written = writeReport(
            path, scenario, {.recommendation = "Recommended: best", .table = &table, .charts = {}, .timelineOverview = overview});
        QVERIFY2(written, qPrintable(errorText(written)));
        QProcess text;
        text.start("pdftotext", {"-layout", path, "-"});
        QVERIFY(text.waitForFinished(30000));
        const QString layout = QString::fromUtf8(text.readAllStandardOutput());
        const QString words = layout.simplified();
        for (const QString& cell : best + exact)
            for (const QString& word : cell.split(' '))
                QVERIFY2(words.contains(word), qPrintable(word + " missing from: " + words));
        QVERIFY(!words.contains(QChar(0x2026))); // no ellipsis: nothing was cut
        // The wrapped cell starts on its row's line: it read "budget spent ... not" above the
        // row's name and "proven; ..." beside it.
        const QStringList lines = layout.split('\n');
        const auto bestLine =
            std::find_if(lines.begin(), lines.end(), [](const QString& line) { return line.contains("best (recommended)"); });
        QVERIFY(bestLine != lines.end());
        QVERIFY2(bestLine->contains("budget spent"), qPrintable(*bestLine));
        // The overview is drawn at least 90% of the page's width (it was a third at 2,000 users).
        QProcess images;
        images.start("pdfimages", {"-list", path});
        QVERIFY(images.waitForFinished(30000));
        const QStringList rows = QString::fromUtf8(images.readAllStandardOutput()).split('\n').mid(2);
        int widest = 0;
        for (const QString& row : rows) {
            const QStringList fields = row.simplified().split(' ');
            if (fields.size() > 4)
                widest = std::max(widest, fields[3].toInt());
        }
        QPdfWriter page(dir.filePath("measure.pdf"));
        page.setPageSize(QPageSize(QPageSize::A4));
        page.setResolution(150);
        QVERIFY2(widest >= 0.9 * page.width(),
                 qPrintable(QString("widest image %1 px of a %2 px page").arg(widest).arg(page.width())));
    }
};

QTEST_MAIN(TestReport)
#include "test_report.moc"
