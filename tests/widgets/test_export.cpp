// Exports that exist and parse: plans, charts and the report from the main window, animation
// frames and GIFs, and the GIF encoder read back pixel by pixel.
#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"
#include "core/simulation/simulator.h"
#include "widgets/export/frameexporter.h"
#include "widgets/export/gifwriter.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/timelineview.h"
#include "widgettest.h"

#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace coinfer;
using namespace coinfer::testing;

class TestExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void exportsExistAndParse()
    {
        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        QVERIFY(waitForPlans(window));
        QTemporaryDir dir;
        QString error;
        QVERIFY2(window.exportPlan(dir.path() + "/plan.json", "og", &error), qPrintable(error));
        QFile json(dir.path() + "/plan.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QByteArray text = json.readAll();
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        Expected<Plan> plan = parsePlan(std::string_view(text.constData(), static_cast<size_t>(text.size())), "plan.json", scenario);
        QVERIFY(plan.has_value());
        QVERIFY(verifyPlan(scenario, CostModel(scenario), *plan).empty());
        QVERIFY(window.exportPlan(dir.path() + "/plan.csv", "ip-ssa", &error));
        QFile csv(dir.path() + "/plan.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 9); // header and 8 users
        QVERIFY(window.comparison()->exportChart(dir.path() + "/chart.png"));
        QVERIFY(window.comparison()->exportChart(dir.path() + "/chart.svg"));
        QFile svg(dir.path() + "/chart.svg");
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        window.showPage(1);
        const QStringList planCharts = window.exportCharts(dir.path() + "/plan.png");
        QCOMPARE(planCharts.size(), 2);
        for (const QString& file : planCharts)
            QVERIFY(QImage(file).width() > 100);
        window.showPage(2);
        QCOMPARE(window.exportCharts(dir.path() + "/dnn.pdf").size(), 2);
        QVERIFY(window.comparison()->exportChart(dir.path() + "/chart.pdf"));
        QVERIFY(QImage(dir.path() + "/chart.png").width() > 100);
        QVERIFY(QFile(dir.path() + "/chart.pdf").size() > 1000);
        QVERIFY2(window.exportReport(dir.path() + "/report.pdf", &error), qPrintable(error));
        QFile report(dir.path() + "/report.pdf");
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QByteArray pdf = report.readAll();
        QVERIFY(pdf.startsWith("%PDF"));
        QVERIFY(pdf.size() > 10000); // text and two charts
        QVERIFY(pdf.count("/Type /Page\n") + pdf.count("/Type /Page ") + pdf.count("/Type /Page/") >= 1);
        QVERIFY(!window.exportPlan(dir.path() + "/x.json", "nonexistent", &error));
        QVERIFY(!error.isEmpty());
    }

    void framesAreExported()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        QTemporaryDir dir;
        int calls = 0;
        QCOMPARE(exportTimelineFrames(TimelineModel(scenario, plan), dir.path(), 5, QSize(640, 360), [&](int, int) { return ++calls > 0; }), 5);
        QCOMPARE(calls, 5);
        QImage first(dir.path() + "/frame-0001.png"), last(dir.path() + "/frame-0005.png");
        QCOMPARE(first.size(), QSize(640, 360));
        QVERIFY(first != last); // the cursor and the meters moved
        QCOMPARE(exportTimelineFrames(TimelineModel(scenario, plan), dir.path(), 5, QSize(640, 360), [](int done, int) { return done < 2; }), 2);
        // The incremental exporter, with cancel.
        QTemporaryDir other;
        FrameExporter exporter(timelineAnimation(TimelineModel(scenario, plan)), other.path(), 4, QSize(320, 200));
        QSignalSpy finished(&exporter, &FrameExporter::finished);
        exporter.start();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.front().front().toInt(), 4);
        QVERIFY(QFile::exists(other.path() + "/frame-0004.png"));
        FrameExporter gif(timelineAnimation(TimelineModel(scenario, plan)), other.path() + "/plan.gif", 6, QSize(320, 200), nullptr, 12);
        QSignalSpy gifDone(&gif, &FrameExporter::finished);
        gif.start();
        QVERIFY(gifDone.wait(10000));
        QCOMPARE(gifDone.front().front().toInt(), 6);
        QCOMPARE(QImageReader(other.path() + "/plan.gif").imageCount(), 6);
    }

    void animatedGifReadsBack()
    {
        // Frames with enough detail to fill the LZW table several times over.
        QTemporaryDir dir;
        const QString path = dir.path() + "/animation.gif";
        GifWriter gif;
        QVERIFY(gif.open(path, QSize(160, 120)));
        std::vector<QImage> frames;
        for (int k = 0; k < 3; ++k) {
            QImage frame(160, 120, QImage::Format_RGB32);
            for (int y = 0; y < 120; ++y)
                for (int x = 0; x < 160; ++x)
                    frame.setPixel(x, y, qRgb((x * 7 + k * 40) % 256, (y * 5 + x) % 256, (x * y + k) % 256));
            frames.push_back(frame);
            QVERIFY(gif.addFrame(frame, 4));
        }
        QVERIFY(gif.close());
        QImageReader reader(path);
        QCOMPARE(reader.imageCount(), 3);
        for (int k = 0; k < 3; ++k) {
            const QImage read = reader.read().convertToFormat(QImage::Format_RGB32);
            QVERIFY2(!read.isNull(), qPrintable(reader.errorString()));
            QCOMPARE(read.size(), QSize(160, 120));
            for (int y = 0; y < 120; y += 7)
                for (int x = 0; x < 160; x += 5)
                    QCOMPARE(read.pixel(x, y), GifWriter::paletteColour(GifWriter::paletteIndex(frames[static_cast<size_t>(k)].pixel(x, y))) | 0xff000000u);
        }
    }
};

QTEST_MAIN(TestExport)
#include "test_export.moc"
