#pragma once
// The row of controls that drives a SchedulePlayer over one or more timelines: rewind, step
// back, play/pause, step on, playing speed, scrub bar, fit, follow and animation export, with
// the keys Space (play/pause), [ and ] (step) and Home (rewind). The plan page and the online
// page each show one; they differ only in words, speeds and what a speed factor multiplies.

#include <QObject>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QPushButton;
class QSlider;

namespace coinfer {

class SchedulePlayer;
class TimelineView;

/// What one page's player row says and how its speed factors read.
struct PlayerControlsOptions {
    /// What a speed factor such as "2x" multiplies to give the player's timeline ms per second.
    enum class SpeedBase {
        /// The timeline's length over 10 s: at 1x a whole plan plays in 10 s.
        TenSecondsPerTimeline,
        /// Real time: at 1x one timeline ms passes in one wall-clock ms.
        RealTime,
    };

    QString stepBackText;
    QString stepBackToolTip; ///< empty: none
    QString stepForwardText;
    QString stepForwardToolTip; ///< empty: none
    QStringList speedFactors;   ///< each ends in "x", e.g. "0.5x"
    QString defaultSpeed;       ///< one of speedFactors
    QString speedToolTip;       ///< empty: none
    SpeedBase speedBase = SpeedBase::TenSecondsPerTimeline;
    QString fitText;
    QString fitToolTip;
    bool fitShortcut = false; ///< Ctrl+0 fits too
    QString followToolTip;
    QString exportToolTip;
};

/// The player row of a page. It owns no player and no timeline: it drives the page's
/// SchedulePlayer and moves the cursor, fits and follows on each of the page's timelines.
/// Its keys are window shortcuts that work only while the row is shown, so two pages' rows in
/// one window never clash.
class PlayerControls : public QWidget {
    Q_OBJECT

public:
    /// A row driving @p player over @p timelines (each gets the cursor, Fit and Follow).
    PlayerControls(SchedulePlayer* player, std::vector<TimelineView*> timelines, const PlayerControlsOptions& options,
                   QWidget* parent = nullptr);

    /// Adds a page's own control after the scrub bar, before Fit.
    void addPageControl(QWidget* control);
    /// The player's speed for the chosen factor, in timeline ms per wall-clock second. O(1).
    double speedMsPerSecond() const;
    /// Gives the player the chosen speed: SchedulePlayer::setTimeline resets it.
    void applySpeed();
    /// Puts the cursors and the scrub bar where the player is, without seeking. O(timelines).
    void showPlayerTime();

    QPushButton* playButton() const { return m_play; }
    QPushButton* stepBackButton() const { return m_stepBack; }
    QPushButton* stepForwardButton() const { return m_stepForward; }
    QPushButton* rewindButton() const { return m_rewind; }
    QComboBox* speedChooser() const { return m_speed; }
    /// The scrub bar, 0 to 1000 over the player's length.
    QSlider* scrubBar() const { return m_scrub; }
    QPushButton* fitButton() const { return m_fit; }
    QCheckBox* followBox() const { return m_follow; }
    QPushButton* exportButton() const { return m_export; }

signals:
    /// The export button was pressed: the page asks for settings and writes its animation.
    void exportRequested();

private:
    /// The buttons, chooser and bar, in the row's order.
    void createWidgets(const PlayerControlsOptions& options);
    /// Space, [, ], Home, and Ctrl+0 where asked for.
    void createShortcuts(bool fitShortcut);
    /// Buttons to the player, the player's state and time back to the row and the timelines.
    void connectPlayer();
    void fitTimelines();

    SchedulePlayer* m_player;
    std::vector<TimelineView*> m_timelines;
    PlayerControlsOptions::SpeedBase m_speedBase;
    QHBoxLayout* m_row = nullptr;
    QPushButton* m_rewind = nullptr;
    QPushButton* m_stepBack = nullptr;
    QPushButton* m_play = nullptr;
    QPushButton* m_stepForward = nullptr;
    QComboBox* m_speed = nullptr;
    QSlider* m_scrub = nullptr;
    QPushButton* m_fit = nullptr;
    QCheckBox* m_follow = nullptr;
    QPushButton* m_export = nullptr;
};

} // namespace coinfer
