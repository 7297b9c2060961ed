#include "widgets/views/screenshotdriver.h"

#include "widgets/document/errortext.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/presentationwindow.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/sweepview.h"
#include "widgets/views/walkthrough.h"

#include <QPixmap>
#include <QTimer>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace coinfer {

namespace {

/// The index of the user with id @p id in @p scenario, or -1. O(M).
int userIndex(const Scenario& scenario, const QString& id)
{
    const std::string wanted = id.toStdString();
    const auto found =
        std::find_if(scenario.users.begin(), scenario.users.end(), [&wanted](const User& user) { return user.id == wanted; });
    return id.isEmpty() || found == scenario.users.end() ? -1 : static_cast<int>(found - scenario.users.begin());
}

} // namespace

ScreenshotDriver::ScreenshotDriver(MainWindow* window, StartupRequest request, QObject* parent)
    : QObject(parent), m_window(window), m_request(std::move(request))
{
}

ScreenshotDriver::~ScreenshotDriver()
{
    delete m_presentation.data(); // a top-level window of its own; nullptr once closed
}

PresentationWindow* ScreenshotDriver::presentation() const
{
    return m_presentation;
}

template<typename Sender, typename Signal>
void ScreenshotDriver::whenReady(Sender* sender, Signal ready, QWidget* target, std::function<void()> prepare)
{
    connect(
        sender, ready, this,
        [this, target, prepare = std::move(prepare)] {
            if (prepare)
                prepare();
            if (!m_request.screenshotPath.isEmpty())
                settleAndShoot(target);
        },
        Qt::SingleShotConnection);
}

void ScreenshotDriver::settleAndShoot(QWidget* target)
{
    QTimer::singleShot(kSettleMs, target,
                       [this, target] { emit finished(target->grab().save(m_request.screenshotPath) ? 0 : 2); });
}

Expected<void> ScreenshotDriver::start()
{
    // Presentation mode replaces the main window whatever the page.
    if (m_request.presentationStep) {
        startPresentation(*m_request.presentationStep);
        return {};
    }
    if (!m_request.selectUser.isEmpty() && userIndex(m_window->document()->scenario(), m_request.selectUser) < 0)
        return failure(QStringLiteral("--select: the scenario has no user \"%1\"").arg(m_request.selectUser));
    m_window->showPage(m_request.page);
    m_window->show();
    const bool shoot = !m_request.screenshotPath.isEmpty();
    if (m_request.page == MainPage::Sweep && (shoot || m_request.sweep))
        return startSweep();
    // Without an online block there is no episode: the shot shows the page's sentence.
    if (m_request.page == MainPage::Online && (shoot || m_request.atMs) && m_window->onlineView()->hasOnlineBlock())
        startEpisode();
    else if (shoot || !m_request.selectUser.isEmpty())
        startPlanning();
    return {};
}

void ScreenshotDriver::startPresentation(int step)
{
    m_presentation = new PresentationWindow(m_window->document()->scenario());
    m_presentation->setAttribute(Qt::WA_DeleteOnClose);
    PresentationWindow* presentation = m_presentation;
    whenReady(presentation, &PresentationWindow::ready, presentation, [presentation, step] {
        for (int k = 0; k < step; ++k)
            presentation->walkthrough().next();
        presentation->showStep();
    });
    presentation->resize(1280, 720);
    presentation->show();
}

Expected<void> ScreenshotDriver::startSweep()
{
    // The sweep asked for, or the page's own default one; the shot waits for it.
    SweepView* sweep = m_window->sweepView();
    QString parameter = sweep->currentParameter();
    QString values = sweep->currentValues();
    if (m_request.sweep) {
        const qsizetype equals = m_request.sweep->indexOf('=');
        if (equals <= 0)
            return failure(QStringLiteral("--vary takes NAME=VALUES, not \"%1\"").arg(*m_request.sweep));
        parameter = m_request.sweep->left(equals);
        values = m_request.sweep->mid(equals + 1);
    }
    whenReady(sweep, &SweepView::finished, m_window);
    return sweep->runSweep(parameter, values, m_request.sweepAlgorithms, m_request.sweepRepeats, m_request.sweepSeed);
}

void ScreenshotDriver::startEpisode()
{
    // The player stops at the time asked for (mid-episode by default) before the shot.
    OnlineView* online = m_window->onlineView();
    whenReady(online, &OnlineView::episodeShown, m_window, [online, atMs = m_request.atMs] {
        SchedulePlayer* player = online->player();
        player->seek(atMs.value_or(player->endMs() / 2));
    });
    online->runEpisode();
}

void ScreenshotDriver::startPlanning()
{
    const int selected = userIndex(m_window->document()->scenario(), m_request.selectUser);
    whenReady(m_window->runner(), &PlanRunner::finished, m_window, [this, selected] {
        if (selected >= 0)
            m_window->selectUser(selected);
    });
    m_window->planNow();
}

} // namespace coinfer

#include "core/model/scenario.h"
#include "moc_screenshotdriver.cpp"
