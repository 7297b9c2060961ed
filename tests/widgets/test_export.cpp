// Exports that exist and parse: plans, charts and the report from the main window, animation
// frames and GIFs, and the GIF encoder read back pixel by pixel.
#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/simulation/simulator.h"
#include "core/util/expected.h"
#include "widgets/document/errortext.h"
#include "widgets/document/usertablemodel.h"
#include "widgets/export/exportpath.h"
#include "widgets/export/frameexporter.h"
#include "widgets/export/gifwriter.h"
#include "widgets/charts/palette.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/plancharts.h"
#include "widgets/views/planview.h"
#include "widgets/views/timelineview.h"
#include "widgettest.h"

#include <QByteArray>
#include <QChar>
#include <QColor>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QFontMetrics>
#include <QIODevice>
#include <QImage>
#include <QImageReader>
#include <QLabel>
#include <QList>
#include <QObject>
#include <QPixmap>
#include <QPoint>
#include <QPointF>
#include <QRectF>
#include <QRgb>
#include <QSignalSpy>
#include <QSize>
#include <QStatusBar>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace coinfer;
using namespace coinfer::testing;

class TestExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    /// A dialog starts beside the scenario, named after it; an example or untitled document has
    /// no folder of its own.
    void dialogsStartBesideTheScenario()
    {
        QCOMPARE(suggestedExportPath("/data/runs/campus.json", "-plan.json"), QString("/data/runs/campus-plan.json"));
        QCOMPARE(suggestedExportPath("/data/runs/campus.v2.json", "-report.pdf"), QString("/data/runs/campus.v2-report.pdf"));
        QCOMPARE(suggestedExportPath(":/examples/classroom.json", "-charts.png"), QString("classroom-charts.png"));
        QCOMPARE(suggestedExportPath("", "-plan.json"), QString("untitled-plan.json"));
        const QString relative = suggestedExportPath("campus.json", ".json");
        QVERIFY2(QFileInfo(relative).isAbsolute(), qPrintable(relative));
        QCOMPARE(QFileInfo(relative).fileName(), QString("campus.json"));
    }

    void exportsExistAndParse()
    {
        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        QVERIFY(waitForPlans(window));
        QTemporaryDir dir;
        const Expected<void> jsonWritten = window.exportPlan(dir.path() + "/plan.json", "og");
        QVERIFY2(jsonWritten, qPrintable(errorText(jsonWritten)));
        QFile json(dir.path() + "/plan.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QByteArray text = json.readAll();
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        Expected<Plan> plan =
            parsePlan(std::string_view(text.constData(), static_cast<size_t>(text.size())), "plan.json", scenario);
        QVERIFY(plan.has_value());
        QVERIFY(verifyPlan(scenario, CostModel(scenario), *plan).empty());
        QVERIFY(window.exportPlan(dir.path() + "/plan.csv", "ip-ssa"));
        QFile csv(dir.path() + "/plan.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 9); // header and 8 users
        QVERIFY(window.comparison()->exportChart(dir.path() + "/chart.png"));
        QVERIFY(window.comparison()->exportChart(dir.path() + "/chart.svg"));
        QFile svg(dir.path() + "/chart.svg");
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        window.showPage(1);
        const QStringList planCharts = window.exportCharts(dir.path() + "/plan.png").value_or(QStringList());
        QVERIFY(planCharts.size() >= 2); // per-user or aggregate charts, and the partitions
        QCOMPARE(planCharts.size(), qsizetype(window.planView()->charts()->namedCharts().size()));
        for (const QString& file : planCharts)
            QVERIFY(QImage(file).width() > 100);
        window.showPage(2);
        QCOMPARE(window.exportCharts(dir.path() + "/dnn.pdf").value_or(QStringList()).size(), 2);
        // A chart that cannot be written says why, naming the file (before: "could not be written").
        const QString chartError = errorText(window.exportCharts(dir.path() + "/missing/dnn.png"));
        QVERIFY2(chartError.contains(dir.path() + "/missing/dnn-split-points.png") &&
                     chartError.contains("No such file or directory"),
                 qPrintable(chartError));
        QVERIFY(window.comparison()->exportChart(dir.path() + "/chart.pdf"));
        const QString comparisonError = errorText(window.comparison()->exportChart(dir.path() + "/missing/chart.png"));
        QVERIFY2(comparisonError.contains(dir.path() + "/missing/chart.png"), qPrintable(comparisonError));
        QVERIFY(QImage(dir.path() + "/chart.png").width() > 100);
        QVERIFY(QFile(dir.path() + "/chart.pdf").size() > 1000);
        const Expected<void> reportWritten = window.exportReport(dir.path() + "/report.pdf");
        QVERIFY2(reportWritten, qPrintable(errorText(reportWritten)));
        QFile report(dir.path() + "/report.pdf");
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QByteArray pdf = report.readAll();
        QVERIFY(pdf.startsWith("%PDF"));
        QVERIFY(pdf.size() > 10000); // text and two charts
        QVERIFY(pdf.count("/Type /Page\n") + pdf.count("/Type /Page ") + pdf.count("/Type /Page/") >= 1);
        const Expected<void> none = window.exportPlan(dir.path() + "/x.json", "nonexistent");
        QVERIFY(!none);
        QVERIFY(!errorText(none).isEmpty());
    }

    /// An export's confirmation is seen: the status bar paints it where "N users planned" was
    /// (the label once kept the whole bar, so no message was ever visible), and the label is
    /// back once the message is cleared.
    void theConfirmationOfAnExportIsVisible()
    {
        MainWindow window;
        QVERIFY(showPlanned(window, kClassroom));
        QStatusBar* bar = window.statusBar();
        QLabel* status = window.findChild<QLabel*>("status");
        QVERIFY(status->isVisible());
        const QImage before = bar->grab().toImage();
        QTemporaryDir dir;
        QVERIFY(window.exportPlanAndSay(dir.path() + "/plan.csv", "og"));
        QVERIFY(bar->currentMessage().startsWith("Wrote the og plan to "));
        QVERIFY(!status->isVisible());
        const QImage after = bar->grab().toImage();
        QCOMPARE(after.size(), before.size());
        // The message's text is painted across the bar: count the columns whose pixels changed.
        int changedColumns = 0;
        for (int x = 0; x < after.width(); ++x)
            for (int y = 0; y < after.height(); ++y)
                if (after.pixel(x, y) != before.pixel(x, y)) {
                    ++changedColumns;
                    break;
                }
        const int messageWidth = bar->fontMetrics().horizontalAdvance(bar->currentMessage());
        QVERIFY2(changedColumns > messageWidth / 2,
                 qPrintable(QString("%1 columns changed for a message %2 px wide").arg(changedColumns).arg(messageWidth)));
        bar->clearMessage();
        QVERIFY(status->isVisible());
    }

    void framesAreExported()
    {
        const Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan plan = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        QTemporaryDir dir;
        int calls = 0;
        QCOMPARE(exportTimelineFrames(TimelineModel(scenario, plan), dir.path(), 5, QSize(640, 360),
                                      [&](int, int) { return ++calls > 0; }),
                 5);
        QCOMPARE(calls, 5);
        QImage first(dir.path() + "/frame-0001.png"), last(dir.path() + "/frame-0005.png");
        QCOMPARE(first.size(), QSize(640, 360));
        QVERIFY(first != last); // the cursor and the meters moved
        QCOMPARE(exportTimelineFrames(TimelineModel(scenario, plan), dir.path(), 5, QSize(640, 360),
                                      [](int done, int) { return done < 2; }),
                 2);
        // The incremental exporter, with cancel.
        QTemporaryDir other;
        FrameExporter exporter(timelineAnimation(TimelineModel(scenario, plan)), other.path(), 4, QSize(320, 200));
        QSignalSpy finished(&exporter, &FrameExporter::finished);
        exporter.start();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.front().front().toInt(), 4);
        QVERIFY(QFile::exists(other.path() + "/frame-0004.png"));
        FrameExporter gif(timelineAnimation(TimelineModel(scenario, plan)), other.path() + "/plan.gif", 6, QSize(320, 200),
                          nullptr, 12);
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
                    QCOMPARE(read.pixel(x, y),
                             GifWriter::paletteColour(GifWriter::paletteIndex(frames[static_cast<size_t>(k)].pixel(x, y))) |
                                 0xff000000u);
        }
    }

    /// The classroom's plan copied to 60 users: more lanes than fit at 22 px in a 640 x 360 frame.
    static std::pair<Scenario, Plan> sixtyUsers()
    {
        Scenario scenario = *readScenario(kClassroom.toStdString());
        const Plan base = *makePlan(scenario, CostModel(scenario), Algorithm::Og);
        Plan plan = base;
        const std::vector<User> users = scenario.users;
        scenario.users.clear();
        plan.users.clear();
        for (int copy = 0; copy < 60; ++copy) {
            User user = users[static_cast<size_t>(copy % 8)];
            user.id = "u" + std::to_string(copy);
            scenario.users.push_back(user);
            plan.users.push_back(base.users[static_cast<size_t>(copy % 8)]);
        }
        plan.batches.clear(); // local and upload only: the batches name the first 8 users
        for (UserOutcome& user : plan.users)
            user.finishMs = std::min(user.finishMs, user.deadlineMs);
        return {scenario, plan};
    }

    void gifFramesOfTheLanesOnScreenStartWhereTheViewIsScrolled()
    {
        // "Lanes on screen": the frames show the lanes the view shows, from its first visible
        // one, at the screen's lane height; not the first lanes of the plan.
        const auto [scenario, plan] = sixtyUsers();
        const QSize size(640, 360);
        TimelineView screen;
        screen.setModel(TimelineModel(scenario, plan));
        screen.resize(size);
        screen.scrollToRow(30);
        const int first = screen.firstVisibleRow();
        QVERIFY(first > 20);
        const FrameRenderer render = timelineAnimation(screen, AnimationLanes::OnScreen);
        QImage frame(size, QImage::Format_RGB32);
        frame.fill(Qt::white);
        render(frame, 9, 10);
        TimelineView layout; // laid out and scrolled as the frame
        layout.setModel(TimelineModel(scenario, plan));
        layout.resize(size);
        layout.scrollToRow(first);
        QCOMPARE(layout.firstVisibleRow(), first);
        // The first lane on screen with an upload (lanes are in user order by default).
        int shown = first;
        while (plan.users[static_cast<size_t>(shown)].uploadEndMs <= plan.users[static_cast<size_t>(shown)].uploadStartMs)
            ++shown;
        QVERIFY(shown < first + 8);
        const TimelineSegment upload{SegmentKind::Upload, shown, plan.users[static_cast<size_t>(shown)].uploadStartMs,
                                     plan.users[static_cast<size_t>(shown)].uploadEndMs};
        const QRectF rect = layout.segmentRect(upload);
        QVERIFY(rect.height() > 0 && rect.top() >= 0 && rect.bottom() <= size.height());
        QCOMPARE(QColor(frame.pixel(rect.center().toPoint())), palette::uploading());
        // The frame is the scrolled screen itself (the lanes' names included), not its top.
        layout.setAxisEndMs(screen.axisEndMs());
        layout.setCursorMs(screen.axisEndMs());
        QImage scrolled(size, QImage::Format_RGB32), top(size, QImage::Format_RGB32);
        layout.render(&scrolled);
        layout.scrollToRow(0);
        layout.render(&top);
        QVERIFY(scrolled != top);
        QCOMPARE(frame, scrolled);
    }

    void gifFramesKeepTheScreensColoursAndEveryLane()
    {
        // 60 users: more lanes than fit at 22 px in a 640 x 360 frame; all are drawn, scaled.
        const auto [scenario, plan] = sixtyUsers();
        TimelineView screen;
        screen.setModel(TimelineModel(scenario, plan));
        const QSize size(640, 360);
        const FrameRenderer render = timelineAnimation(screen, AnimationLanes::AllScaled);
        QImage frame(size, QImage::Format_RGB32);
        frame.fill(Qt::white);
        render(frame, 5, 10); // halfway: the meters are half full
        // Where the last lane and the meters are, from a view laid out as the frame.
        TimelineView layout;
        layout.setFitLanesToHeight(true);
        layout.setModel(TimelineModel(scenario, plan));
        layout.resize(size);
        QVERIFY(layout.laneTop(59) + layout.laneHeight() <= size.height());
        const TimelineSegment lastUpload{SegmentKind::Upload, 59, plan.users[59].uploadStartMs, plan.users[59].uploadEndMs};
        const QPoint lastLane = layout.segmentRect(lastUpload).center().toPoint();
        QCOMPARE(QColor(frame.pixel(lastLane)), palette::uploading());
        const QPoint meter(static_cast<int>(layout.plotRight()) + 10, static_cast<int>(layout.laneTop(0) + 0.5));
        QCOMPARE(QColor(frame.pixel(meter)), palette::localOnly()); // the grey all-local meter
        const QPoint gpu(static_cast<int>(layout.plotLeft()) + 2, static_cast<int>(layout.laneTop(layout.model().gpuLane()) + 2));
        // Written as a GIF and read back, the same pixels have the same colours.
        QTemporaryDir dir;
        GifWriter gif;
        QVERIFY(gif.open(dir.path() + "/frame.gif", size));
        QVERIFY(gif.addFrame(frame, 5));
        QVERIFY(gif.close());
        const QImage read = QImageReader(dir.path() + "/frame.gif").read().convertToFormat(QImage::Format_RGB32);
        QCOMPARE(QColor(read.pixel(meter)), palette::localOnly());
        QCOMPARE(QColor(read.pixel(lastLane)), palette::uploading());
        QCOMPARE(QColor(read.pixel(gpu)), QColor(frame.pixel(gpu)));
        for (const QColor& colour :
             {palette::localComputing(), palette::uploading(), palette::waiting(), palette::edgeComputing(), palette::gpuBatch(),
              palette::localOnly(), palette::deadline(), palette::late(), palette::linked()})
            QCOMPARE(QColor(GifWriter::paletteColour(GifWriter::paletteIndex(colour.rgb()))), colour);
        // A grey off the palette stays grey (the old cube made it pink).
        const QRgb grey = GifWriter::paletteColour(GifWriter::paletteIndex(qRgb(150, 150, 150)));
        QVERIFY(qAbs(qRed(grey) - qGreen(grey)) <= 4 && qAbs(qGreen(grey) - qBlue(grey)) <= 4);
    }

    /// One rule for every save dialog: a typed extension that names one of the dialog's formats
    /// wins, else the chosen filter's is appended; ids with commas and quotes survive the CSV.
    void exportFollowsTheTypedExtensionThenTheFilterAndQuotesCsv()
    {
        const QString planFilters = "Plan (*.json);;Per-user table (*.csv)";
        const QString chartFilters = "PNG (*.png);;PDF (*.pdf);;SVG (*.svg)";
        QCOMPARE(exportPathFor("/tmp/plan", planFilters, "Per-user table (*.csv)"), QString("/tmp/plan.csv"));
        QCOMPARE(exportPathFor("/tmp/plan", planFilters, "Plan (*.json)"), QString("/tmp/plan.json"));
        QCOMPARE(exportPathFor("/tmp/plan.CSV", planFilters, "Per-user table (*.csv)"), QString("/tmp/plan.CSV"));
        // The cases a walkthrough found: the typed extension used to lose to the filter.
        QCOMPARE(exportPathFor("/tmp/plan2000.csv", planFilters, "Plan (*.json)"), QString("/tmp/plan2000.csv"));
        QCOMPARE(exportPathFor("/tmp/sweep_gap.pdf", chartFilters, "PNG (*.png)"), QString("/tmp/sweep_gap.pdf"));
        QCOMPARE(exportPathFor("/tmp/plan200.svg", chartFilters, "PNG (*.png)"), QString("/tmp/plan200.svg"));
        // An extension the dialog does not offer is part of the name.
        QCOMPARE(exportPathFor("/tmp/plan.v2", planFilters, "Plan (*.json)"), QString("/tmp/plan.v2.json"));
        QCOMPARE(exportPathFor("/tmp/charts.gif", chartFilters, "SVG (*.svg)"), QString("/tmp/charts.gif.svg"));
        QCOMPARE(exportPathFor("", planFilters, "Plan (*.json)"), QString());
        QCOMPARE(filterExtensions(chartFilters), (QStringList{".png", ".pdf", ".svg"}));
        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        const QString odd = "phone, \"seven\"";
        QVERIFY(window.userModel()->setData(window.userModel()->index(0, UserTableModel::Id), odd));
        QVERIFY(waitForPlans(window));
        QTemporaryDir dir;
        const QString path = exportPathFor(dir.path() + "/plan", planFilters, "Per-user table (*.csv)");
        Expected<void> exported = window.exportPlan(path, "og");
        QVERIFY2(exported, qPrintable(errorText(exported)));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(!text.startsWith("{"));
        // An RFC 4180 reader of the first field of the first data row.
        const QString row = text.split("\r\n")[1];
        QVERIFY(row.startsWith('"'));
        QString field;
        qsizetype k = 1;
        for (; k < row.size(); ++k) {
            if (row[k] == '"' && k + 1 < row.size() && row[k + 1] == '"') {
                field += '"';
                ++k;
            } else if (row[k] == '"') {
                break;
            } else {
                field += row[k];
            }
        }
        QCOMPARE(field, odd);
        QCOMPARE(row[k + 1], QChar(','));
        QCOMPARE(row.mid(k + 2).split(',').size(), 7); // the other seven columns
        // An id a spreadsheet would take for a formula gets a single quote in front.
        QVERIFY(window.userModel()->setData(window.userModel()->index(1, UserTableModel::Id), "=1+2"));
        QVERIFY(waitForPlans(window));
        file.close();
        exported = window.exportPlan(path, "og");
        QVERIFY2(exported, qPrintable(errorText(exported)));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(file.readAll()).split("\r\n")[2].startsWith("\"'=1+2\","));
    }
};

QTEST_MAIN(TestExport)
#include "test_export.moc"
