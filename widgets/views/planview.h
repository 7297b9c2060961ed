#pragma once
// One plan in detail: its charts (PlanCharts) above its timeline, the player that animates the
// timeline, and a second plan's timeline to compare with.

#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <QObject>
#include <QString>
#include <QWidget>

class QSplitter;

namespace coinfer {

struct AnimationSettings;
class PlanCharts;
class SchedulePlayer;
class TimelineView;

class PlanView : public QWidget {
    Q_OBJECT

public:
    explicit PlanView(QWidget* parent = nullptr);

    /// Shows @p plan of @p scenario. O(M + batches).
    void showPlan(const Scenario& scenario, const Plan& plan);
    /// Shows @p other (another planner's plan of the same scenario) under the main timeline on
    /// the same time axis; nullptr hides it.
    void showComparison(const Scenario& scenario, const Plan* other);
    TimelineView* comparisonTimeline() const { return m_compareTimeline; }
    /// Highlights one user in every chart (-1: none).
    void selectUser(int user);
    TimelineView* timeline() const { return m_timeline; }
    PlanCharts* charts() const { return m_charts; }
    SchedulePlayer* player() const { return m_player; }

    /// Exports the animation as @p settings say, in the background with a progress dialog;
    /// statusMessage() confirms it at the end. The dialog's OK calls this.
    void exportAnimationAs(const AnimationSettings& settings);

signals:
    void userClicked(int user);
    /// A line for the status bar (an export finished, how many frames where).
    void statusMessage(const QString& text);

private:
    /// The player's row (PlayerControls) over both timelines, with the lane order chooser.
    QWidget* createPlayerControls();
    /// The charts above the timelines, the comparison timeline hidden until asked for.
    QWidget* createChartsAndTimelines();
    /// Asks for a format, frame rate, length, size, lanes and target in one dialog, then writes
    /// the animation in the background with a progress dialog.
    void exportAnimation();

    PlanCharts* m_charts;
    TimelineView* m_timeline;
    /// Links the two timelines' time windows (one axis) both ways.
    void linkTimeWindows();
    /// Scrolls the lanes of both timelines together while their rows hold the same users.
    void linkLaneScrolls();
    /// Whether row r of both timelines is the same user (the lane order does not depend on the plan).
    bool rowsCorrespond() const;
    /// Gives both timelines the later end of the two plans as their axis.
    void alignAxes();
    /// Caps each timeline at the height its lanes need when they all fit, so the charts get the rest.
    void fitTimelineHeights();
    TimelineView* m_compareTimeline;
    SchedulePlayer* m_player;
    QSplitter* m_split = nullptr;
    bool m_syncingWindows = false;
    bool m_syncingScrolls = false;
};

} // namespace coinfer
