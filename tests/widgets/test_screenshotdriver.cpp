// coinfer-gui's start-up driver: every page, and presentation mode, ends in a saved shot of the
// window's size that shows something, and a request that cannot start says why.
#include "widgets/document/errortext.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/planview.h"
#include "widgets/views/timelineview.h"
#include "widgets/views/mainpage.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/presentationwindow.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/screenshotdriver.h"
#include "widgettest.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QImage>
#include <QList>
#include <QObject>
#include <QRgb>
#include <QSet>
#include <QSignalSpy>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>
#include <QWidget>

using namespace coinfer;
using namespace coinfer::testing;

namespace {

/// How many different colours @p image has, counted up to @p enough.
int distinctColours(const QImage& image, int enough)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3) {
            colours.insert(image.pixel(x, y));
            if (colours.size() >= enough)
                return enough;
        }
    return static_cast<int>(colours.size());
}

} // namespace

class TestScreenshotDriver : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QCoreApplication::setOrganizationName("CoinferTest"); }

    void eachPageIsShotAtTheWindowsSize_data()
    {
        QTest::addColumn<QString>("page");
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("presentationStep"); // -1: the main window
        for (const QString& page : mainPageNames())
            QTest::newRow(qPrintable(page)) << page << QString(page == "online" ? COINFER_EXAMPLES "/online.json" : kClassroom)
                                            << -1;
        QTest::newRow("presentation") << "comparison" << kClassroom << 1;
    }

    void eachPageIsShotAtTheWindowsSize()
    {
        QFETCH(QString, page);
        QFETCH(QString, scenario);
        QFETCH(int, presentationStep);
        QTemporaryDir dir;
        MainWindow window;
        QVERIFY(window.openFile(scenario, true));
        StartupRequest request;
        request.page = *parseMainPage(page);
        request.screenshotPath = dir.filePath(page + ".png");
        if (presentationStep >= 0)
            request.presentationStep = presentationStep;
        if (request.page == MainPage::Sweep) { // a short sweep: the page's own runs for a while
            request.sweep = "deadline_scale=0.8,1.2";
            request.sweepAlgorithms = "local,og";
        }
        ScreenshotDriver driver(&window, request);
        QSignalSpy finished(&driver, &ScreenshotDriver::finished);
        QCOMPARE(errorText(driver.start()), QString());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.front().front().toInt(), 0);
        const QImage shot(request.screenshotPath);
        QVERIFY(!shot.isNull());
        const QWidget* shown = presentationStep >= 0 ? static_cast<QWidget*>(driver.presentation()) : &window;
        QVERIFY(shown);
        QVERIFY(shown->isVisible());
        QCOMPARE(shot.size(), shown->size() * shown->devicePixelRatio());
        QVERIFY2(distinctColours(shot, 16) >= 16, "the shot is blank or nearly so");
        if (presentationStep < 0)
            QCOMPARE(window.currentPage(), request.page);
    }

    void theOnlinePlayerStopsWhereAsked()
    {
        MainWindow window;
        QVERIFY(window.openFile(COINFER_EXAMPLES "/online.json", true));
        StartupRequest request;
        request.page = MainPage::Online;
        request.atMs = 250; // no shot: the episode runs because a time is given
        ScreenshotDriver driver(&window, request);
        QSignalSpy shown(window.onlineView(), &OnlineView::episodeShown);
        QCOMPARE(errorText(driver.start()), QString());
        QVERIFY(shown.wait(60000));
        QCOMPARE(window.onlineView()->player()->timeMs(), 250.0);
    }

    /// --select: once planned, the user is selected on the plan page (its lane in view), so a
    /// shot of a scrolled, selected state needs no mouse; an id the scenario lacks is refused.
    void aUserIsSelectedOncePlanned()
    {
        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        const Scenario& scenario = window.document()->scenario();
        const int last = scenario.userCount() - 1;
        StartupRequest request;
        request.page = MainPage::Plan;
        request.selectUser = QString::fromStdString(scenario.users[static_cast<size_t>(last)].id);
        ScreenshotDriver driver(&window, request);
        QSignalSpy planned(window.runner(), &PlanRunner::finished);
        QCOMPARE(errorText(driver.start()), QString());
        QVERIFY(planned.wait(60000));
        QTest::qWait(50);
        const TimelineView* timeline = window.planView()->timeline();
        QCOMPARE(timeline->selectedUser(), last);
        bool inView = false;
        for (int row = timeline->firstVisibleRow(); row <= timeline->lastVisibleRow(); ++row)
            inView = inView || timeline->userAtRow(row) == last;
        QVERIFY(inView);

        MainWindow other;
        QVERIFY(other.openFile(kClassroom, true));
        request.selectUser = "nobody";
        ScreenshotDriver refused(&other, request);
        const QString error = errorText(refused.start());
        QVERIFY2(error.contains("--select") && error.contains("\"nobody\""), qPrintable(error));
    }

    void aSweepThatIsNotNameEqualsValuesIsRefused()
    {
        MainWindow window;
        QVERIFY(window.openFile(kClassroom, true));
        StartupRequest request;
        request.page = MainPage::Sweep;
        request.sweep = "users";
        ScreenshotDriver driver(&window, request);
        const QString error = errorText(driver.start());
        QVERIFY2(error.contains("NAME=VALUES") && error.contains("users"), qPrintable(error));
    }

    void pageNamesRoundTripAndUnknownOnesAreListed()
    {
        for (int index = 0; index < static_cast<int>(MainPage::Count); ++index) {
            const auto page = static_cast<MainPage>(index);
            const Expected<MainPage> parsed = parseMainPage(mainPageName(page));
            QVERIFY(parsed);
            QCOMPARE(*parsed, page);
        }
        const Expected<MainPage> unknown = parseMainPage("timeline");
        QVERIFY(!unknown);
        const QString message = QString::fromStdString(unknown.error().message);
        QVERIFY2(message.contains("\"timeline\""), qPrintable(message));
        for (const char* name : {"comparison", "plan", "dnn", "online", "sweep"})
            QVERIFY2(message.contains(name), qPrintable(message));
    }
};

QTEST_MAIN(TestScreenshotDriver)
#include "core/model/scenario.h"
#include "core/util/expected.h"
#include "test_screenshotdriver.moc"

#include <cstddef>
#include <optional>
#include <vector>
