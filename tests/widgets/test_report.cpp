// The PDF report at 8, 300 and 10,000 users: the comparison, a timeline overview when given,
// and the plan's charts, aggregate past the per-user limit. Set COINFER_REPORT_DIR to keep the
// PDFs (to look at them: pdftoppm -png -r 60).
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "widgets/charts/chartview.h"
#include "widgets/document/planrunner.h"
#include "widgets/export/report.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/plancharts.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

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
        ReportContents contents{.recommendation = comparison.summary()->text(), .table = comparison.table(), .charts = {comparison.chart()}, .timelineOverview = {}};
        for (const ChartView* chart : charts.reportCharts())
            contents.charts.push_back(chart);
        // Per-user bars only while they stay apart; the aggregates past the limit.
        QCOMPARE(std::find(contents.charts.begin(), contents.charts.end(), charts.energyChart()) != contents.charts.end(),
                 users <= PlanCharts::kPerUserBarLimit);
        contents.timelineOverview = stripOf(users);

        QTemporaryDir temporary;
        const QString folder = qEnvironmentVariableIsSet("COINFER_REPORT_DIR") ? qEnvironmentVariable("COINFER_REPORT_DIR") : temporary.path();
        const QString path = QDir(folder).filePath(QStringLiteral("report-%1.pdf").arg(users));
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(writeReport(path, scenario, contents, &error), qPrintable(error));
        qInfo("report at %d users: %lld ms, %d page(s)", users, timer.elapsed(), pageCount(path));
        QFile pdf(path);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.readAll().startsWith("%PDF"));
        QVERIFY(pageCount(path) >= 1 && pageCount(path) <= 2);
    }
};

QTEST_MAIN(TestReport)
#include "test_report.moc"
