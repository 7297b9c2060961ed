#pragma once
// coinfer-gui's start-up on a page: shows the main window (or presentation mode) as the command
// line asks, starts the work the page shows (the plans, a sweep, an episode), and with
// --screenshot grabs the window once that work is done and saves it as an image.

#include "core/util/expected.h"
#include "widgets/views/mainpage.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <functional>
#include <optional>

namespace coinfer {

class MainWindow;
class PresentationWindow;

/// What coinfer-gui was asked to show on opening; the command line's checks have passed.
struct StartupRequest {
    MainPage page = MainPage::Comparison;
    /// Where the shot is saved (its suffix picks the format); empty: no shot, the window stays.
    QString screenshotPath;
    /// Presentation mode at this walkthrough step in place of the main window; unset: none.
    std::optional<int> presentationStep;
    /// Online page: where the episode's player stops, in ms; unset: mid-episode. Given, the
    /// episode runs even without a shot.
    std::optional<double> atMs;
    /// Sweep page: the sweep "NAME=VALUES" to run; unset: with a shot, the page's own sweep.
    std::optional<QString> sweep;
    QString sweepAlgorithms; ///< with sweep: the planners, as `coinfer sweep --algorithms`
    int sweepRepeats = 1;    ///< with sweep: the repeats of each value
    int sweepSeed = 1;       ///< with sweep: the seed of the repeats' draws
    /// Plan page: the id of the user selected once the plans are shown (the timeline scrolls to
    /// its lane, the charts mark it); empty: none.
    QString selectUser;
};

/// Drives a main window to what a StartupRequest asks and takes its shot. Every page and
/// presentation mode go one way: start the work, wait for the signal that it is done, prepare
/// (seek the player, step the walkthrough), let the window lay out, grab, save.
class ScreenshotDriver : public QObject {
    Q_OBJECT

public:
    /// The time a window gets to lay out its charts and tables after its work is done and
    /// before it is grabbed.
    static constexpr int kSettleMs = 200;

    /// A driver for @p window, which has its scenario open and outlives the driver.
    ScreenshotDriver(MainWindow* window, StartupRequest request, QObject* parent = nullptr);
    ~ScreenshotDriver() override;

    /// Shows the page (or presentation mode) and starts its work. Fails with why a request cannot
    /// start (a sweep that is not NAME=VALUES, or one the sweep page refuses); with
    /// a shot asked for, finished() follows once it is saved or failed.
    Expected<void> start();
    /// The presentation window start() opened, or nullptr.
    PresentationWindow* presentation() const;

signals:
    /// The shot has been written (@p exitCode 0) or could not be (2).
    void finished(int exitCode);

private:
    void startPresentation(int step);
    Expected<void> startSweep();
    void startEpisode();
    void startPlanning();
    /// Once @p sender emits @p ready: runs @p prepare, then shoots @p target (with a shot asked
    /// for). Only the first emission counts.
    template<typename Sender, typename Signal>
    void whenReady(Sender* sender, Signal ready, QWidget* target, std::function<void()> prepare = {});
    /// Lets @p target lay out for kSettleMs, grabs it, saves it and emits finished().
    void settleAndShoot(QWidget* target);

    MainWindow* m_window;
    StartupRequest m_request;
    QPointer<PresentationWindow> m_presentation;
};

} // namespace coinfer
