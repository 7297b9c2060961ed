#pragma once
// The schedule of a plan on a time axis: one lane per user (local computing, upload, waiting,
// its edge sub-tasks, its deadline) and one lane for the GPU's batches. The geometry is computed
// by TimelineModel from the plan alone, so it can be tested without painting.

#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "widgets/export/frameexporter.h"

#include <QEvent>
#include <QImage>
#include <QMouseEvent>
#include <QObject>
#include <QPaintEvent>
#include <QPainter>
#include <QPointF>
#include <QRectF>
#include <QResizeEvent>
#include <QSize>
#include <QString>
#include <QWheelEvent>
#include <QWidget>

class QScrollBar;

#include <algorithm>
#include <functional>
#include <set>
#include <utility>
#include <vector>

namespace coinfer {

struct OnlineDispatch;

/// What one rectangle of the timeline shows. Pending: an online task in the pool, from its
/// release to the dispatch that plans it.
enum class SegmentKind { Local, Upload, Waiting, Edge, GpuBatch, Pending };

struct TimelineSegment {
    SegmentKind kind;
    int lane; ///< user index, or userCount for the GPU lane
    double startMs, endMs;
    int subtask = 0; ///< Edge and GpuBatch
    int batch = -1;  ///< index into Plan::batches for Edge and GpuBatch
    /// From when the segment is known: an episode's planned segments from their dispatch on, a
    /// pending one from its release (it then grows with the cursor). 0 in a plan.
    double knownFromMs = 0;
};

/// How the user lanes are ordered under the pinned GPU lane; the last three group the lanes
/// under a header row per group.
enum class LaneOrder { User, Deadline, Group, Partition, DeviceClass };

/// What a user lane shows besides its segments: what sorting and grouping read.
struct LaneFacts {
    double deadlineMs = 0;
    double finishMs = 0;
    int group = 0;
    int partition = 0;
    QString deviceClass;
    bool late = false; ///< finishes after its deadline
    /// An episode's task: released (its lane appears) and dispatched (its plan is known).
    double releaseMs = 0;
    double dispatchMs = 0;
};

/// How one user's energy builds up over time: computing, then uploading; and what computing
/// everything locally would have spent by the same time.
struct LaneEnergy {
    double computeMj = 0, computeEndMs = 0;
    double uploadMj = 0, uploadStartMs = 0, uploadEndMs = 0;
    double localOnlyMj = 0, localOnlyMs = 0;
    /// Where computing starts (an episode's dispatch) and where computing all locally would
    /// start (the task's release); 0 in a plan.
    double computeStartMs = 0, localStartMs = 0;
    /// Energy of the plan spent by @p timeMs, and of computing locally. O(1).
    double planAt(double timeMs) const;
    double localAt(double timeMs) const;
};

/// Lanes and segments of a plan, in milliseconds. O(M + sum of batch sizes).
class TimelineModel {
public:
    TimelineModel() = default;
    TimelineModel(const Scenario& scenario, const Plan& plan);
    /// An online episode as one timeline: a lane per task in release order (its pool wait from
    /// release to dispatch, then its dispatch's plan shifted by the dispatch time), every
    /// dispatch's batches on the GPU lane, a task late where its finish misses its deadline
    /// (as the simulator counts misses). @p scenario is the episode's (tasks name its users).
    /// O(tasks log tasks + batch members).
    static TimelineModel fromEpisode(const Scenario& scenario, const std::vector<OnlineDispatch>& dispatches);
    /// Whether the model shows an online episode (fromEpisode()).
    bool isEpisode() const { return m_episode; }
    /// Where a player steps: an episode's dispatch times; empty for a plan (every segment edge).
    const std::vector<double>& stepEventsMs() const { return m_stepEventsMs; }
    /// Energy spent by @p timeMs, as planned and as computing everything locally would have. O(lanes).
    std::pair<double, double> energyAt(double timeMs) const;

    int laneCount() const { return m_lanes; } ///< users + the GPU
    double endMs() const { return m_endMs; }  ///< the latest finish or deadline
    const std::vector<TimelineSegment>& segments() const { return m_segments; }
    const std::vector<double>& deadlinesMs() const { return m_deadlinesMs; }
    const std::vector<QString>& laneNames() const { return m_names; }
    const std::vector<LaneEnergy>& energies() const { return m_energies; }
    int userCount() const { return m_lanes > 0 ? m_lanes - 1 : 0; }
    int gpuLane() const { return userCount(); }
    const std::vector<LaneFacts>& facts() const { return m_facts; }
    /// Users that finish after their deadline.
    int lateCount() const { return m_lateCount; }
    /// Indices into segments() of @p lane's segments, by start time. O(1).
    std::pair<const int*, const int*> laneSegments(int lane) const;
    /// Users in batch @p batch. O(1).
    int batchSize(int batch) const;
    /// The planner that made the plan (Plan::algorithm).
    const QString& algorithm() const { return m_algorithm; }
    /// False for a default-constructed model (no plan shown yet).
    bool hasPlan() const { return m_hasPlan; }

private:
    void indexLanes();
    bool m_episode = false;
    std::vector<double> m_stepEventsMs;
    int m_lanes = 0;
    int m_lateCount = 0;
    bool m_hasPlan = false;
    QString m_algorithm;
    std::vector<LaneFacts> m_facts;
    std::vector<int> m_laneOffsets; // CSR: lane l's segments are m_laneIndex[offsets[l] .. offsets[l + 1])
    std::vector<int> m_laneIndex;
    std::vector<int> m_batchSizes;
    double m_endMs = 0;
    std::vector<TimelineSegment> m_segments;
    std::vector<double> m_deadlinesMs;
    std::vector<QString> m_names;
    std::vector<LaneEnergy> m_energies;
};

/// Paints a TimelineModel; click a user's lane or a batch to select it.
///
/// Layout from the top: the legend and status line, the time axis, the GPU lane (all three
/// pinned), then the user lanes, which scroll (wheel or scroll bar) and are painted only where
/// visible, so a frame costs O(visible lanes + GPU batches in the window) at any population.
/// At the right: the energy meters, an overview strip of the whole population (one row of
/// pixels holds one or more lanes; click or drag it to jump) and the scroll bar.
class TimelineView : public QWidget {
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);
    /// Takes @p model, keeps the lane order, scrolls to the top and shows the whole plan.
    /// O(lanes log lanes + segments).
    void setModel(TimelineModel model);
    /// Orders (and for Group/Partition/DeviceClass groups under headers) the user lanes.
    /// O(M log M).
    void setLaneOrder(LaneOrder order);
    LaneOrder laneOrder() const { return m_order; }
    /// Rows under the GPU lane: one per user plus the group headers.
    int rowCount() const { return static_cast<int>(m_rows.size()); }
    /// The user shown in @p row, or -1 for a group header.
    int userAtRow(int row) const;
    /// The header text of @p row (empty for a user row).
    QString headerAtRow(int row) const;
    /// Lane height in pixels (without the gap).
    double laneHeight() const
    {
        ensureGeometry();
        return m_laneHeight;
    }
    /// When set, lanes shrink (down to under a pixel) so that every lane fits the height: for
    /// presentation and for exporting all lanes; otherwise lanes are 22 px and scroll.
    void setFitLanesToHeight(bool fit);
    /// Vertical scrolling of the user lanes, in pixels.
    QScrollBar* verticalScrollBar() const { return m_scroll; }
    /// Scrolls so that @p row is the first visible user row (clamped).
    void scrollToRow(int row);
    /// First and last user rows (at least partly) visible.
    int firstVisibleRow() const;
    int lastVisibleRow() const;
    /// The rectangle of the overview strip, and of the visible window marked on it.
    QRectF overviewRect() const;
    QRectF overviewWindowRect() const;
    /// The end of the time axis when the whole plan is shown; 0 uses the model's end. Compare
    /// mode gives both timelines the later end of the two.
    void setAxisEndMs(double endMs);
    double axisEndMs() const;
    /// Shows the whole plan and every lane from the top.
    void fitToWindow();
    /// While playing, keeps the cursor in the time window (after a pan or zoom).
    void setFollowCursor(bool follow) { m_followCursor = follow; }
    bool followCursor() const { return m_followCursor; }
    /// Narrowest and widest time window allowed, in ms.
    double minSpanMs() const;
    double maxSpanMs() const { return axisEndMs(); }
    /// The batch whose members are highlighted (hovered or clicked), or -1.
    int linkedBatch() const { return m_hoverBatch >= 0 ? m_hoverBatch : m_selectedBatch; }
    /// A title drawn above the lanes (compare mode names each plan's planner).
    void setTitle(QString title);
    /// The line above the axis naming the plan ("This plan: ip-ssa"); empty for none.
    const QString& title() const { return m_title; }
    /// Shows or hides the colour legend row above the title (shown by default); a second
    /// timeline under a first one with the same colours hides it, and its lanes get that row.
    void setLegendShown(bool shown);
    bool legendShown() const { return m_legendShown; }
    /// The sentence shown instead of an axis when there is nothing to draw (empty otherwise).
    QString emptyMessage() const;
    /// The line that states how many users are late (empty when none).
    QString lateSummary() const;
    /// Beside the title, for a plan that sends nothing to the GPU (a saturated GPU, or a planner
    /// that keeps every user local), so that an empty GPU lane is not taken for a fault; empty
    /// otherwise. O(1).
    QString idleGpuSummary() const;
    const TimelineModel& model() const { return m_model; }
    void selectUser(int user);
    /// The user whose lane is outlined, -1 for none.
    int selectedUser() const { return m_selectedUser; }
    /// Marks several users' lanes (the walkthrough's "what changed").
    void setHighlightedUsers(std::set<int> users);
    /// Where the time cursor and the energy meters stand; negative hides them.
    void setCursorMs(double timeMs);
    double cursorMs() const { return m_cursorMs; }
    /// Rectangle of a segment in widget coordinates (for painting, hit tests and tests).
    QRectF segmentRect(const TimelineSegment& segment) const;
    /// The time window shown: [startMs, startMs + spanMs]. Ctrl+wheel zooms around the mouse,
    /// dragging pans; a span of 0 shows the whole plan.
    void setTimeWindow(double startMs, double spanMs);
    double windowStartMs() const { return m_windowStartMs; }
    double windowSpanMs() const;
    /// Zooms by @p factor (> 1 zooms in) keeping @p aroundMs where it is.
    void zoom(double factor, double aroundMs);
    /// What the tooltip at @p point says (empty over nothing).
    QString describeAt(const QPointF& point) const;

signals:
    void userClicked(int user);
    /// The time window moved (pan, zoom, fit or follow): compare mode links the two views.
    void timeWindowChanged(double startMs, double spanMs);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public:
    /// Top of @p lane (a user or the GPU) in widget coordinates; users scroll, the GPU is pinned.
    double laneTop(int lane) const;
    /// Where the plotting area (time axis) starts and ends horizontally.
    double plotLeft() const;
    double plotRight() const;
    /// Top of the scrolling lanes' area.
    double lanesTop() const;
    /// Top of the status line (the title, who is late): under the legend, or at 0 without it.
    double titleTop() const;

private:
    struct Row {
        int user; // -1: a group header
        QString header;
    };
    double legendHeight() const; ///< also the status line's
    double axisHeight() const;   ///< legend, status line and time axis
    double overviewWidth() const;
    /// Whether the overview strip is drawn: only while some lanes are scrolled out of view.
    bool overviewShown() const;
    double xOf(double ms) const;
    double msAt(double x) const;
    double pitch() const
    {
        ensureGeometry();
        return m_laneHeight + m_laneGap;
    }
    int rowAt(double y) const;
    void rebuildRows();
    /// Lane height, gaps, the scroll bar's range and the overview follow the widget's size.
    void ensureGeometry() const;
    void rebuildOverview() const;
    double gpuHeight() const
    {
        ensureGeometry();
        return m_gpuHeight;
    }
    void scrollFromOverview(double y);
    /// The colour legend (when shown) and the status line under it.
    void paintLegend(QPainter& painter);
    void paintLegendEntries(QPainter& painter);
    void paintTimeAxis(QPainter& painter);
    void paintRows(QPainter& painter, int firstRow, int lastRow);
    void paintLane(QPainter& painter, int lane);
    void paintLaneName(QPainter& painter, int lane, double top);
    void paintCursorAndMeters(QPainter& painter, int firstRow, int lastRow);
    /// The energy so far and at the end, over every task: the plan's and all-local's.
    struct EpisodeEnergy {
        double planTotal, localTotal, planEnd, localEnd;
    };
    /// An episode's meters beside the GPU lane and its status line (at the meters' @p left,
    /// @p full wide). O(tasks).
    void paintEpisodeMeters(QPainter& painter, double left, double full, const EpisodeEnergy& energySoFar);
    void paintOverview(QPainter& painter);
    int segmentAt(const QPointF& point) const;
    /// Whether an episode is being played: only what is known at the cursor is drawn.
    bool revealing() const { return m_model.isEpisode() && m_cursorMs >= 0; }
    /// Whether @p lane is drawn late: at once in a plan, from its dispatch on in an episode.
    bool lateShown(int lane) const;
    /// Scrolls the newest arrival into view; with @p toBottom, onto the view's last row even
    /// when it is in view already (after a resize, so that the rows above it fill the view).
    void scrollToNewestArrival(bool toBottom = false);
    void drawSubtaskLabel(QPainter& painter, const QRectF& box, int subtask, bool linkedMember) const;
    TimelineModel m_model;
    LaneOrder m_order = LaneOrder::User;
    std::vector<Row> m_rows;
    std::vector<int> m_rowOfUser;
    QScrollBar* m_scroll;
    int m_scrollWidth = 14;
    mutable QImage m_overview; // the population in small, rebuilt on model, order or size changes
    mutable bool m_overviewStale = true;
    mutable QSize m_geometryFor;
    bool m_fitLanes = false;
    mutable double m_laneHeight = 22;
    mutable double m_laneGap = 4;
    mutable double m_gpuHeight = 22;
    mutable double m_lineHeight = 16; // the font's line height
    double m_axisEndMs = 0;
    bool m_followCursor = true;
    bool m_draggingOverview = false;
    int m_hoverBatch = -1;
    QString m_title;
    bool m_legendShown = true;
    int m_selectedUser = -1;
    int m_selectedBatch = -1;
    double m_cursorMs = -1;
    std::set<int> m_highlighted;
    double m_windowStartMs = 0;
    double m_windowSpanMs = 0; // 0: the whole plan
    double m_dragFromX = -1;
    double m_dragFromStartMs = 0;
};

/// The animation of @p model as frames for exportFrames() and FrameExporter: the time cursor
/// moves from 0 to the end and the energy meters fill. One hidden view draws every frame.
FrameRenderer timelineAnimation(TimelineModel model);

/// Which lanes an exported animation shows.
enum class AnimationLanes { AllScaled, OnScreen };

/// The animation of @p source's plan as it is ordered: every lane scaled to fit the frame, or
/// the lanes on screen at @p source's lane height and scroll position.
FrameRenderer timelineAnimation(const TimelineView& source, AnimationLanes lanes);

/// Renders @p frames images of @p model's animation (cursor from 0 to the end) at @p size into
/// @p folder as frame-0001.png, ...; @p progress(done, total) returns false to cancel.
/// Returns the number of frames written. O(frames x segments).
int exportTimelineFrames(const TimelineModel& model, const QString& folder, int frames, const QSize& size,
                         const std::function<bool(int, int)>& progress = {});

} // namespace coinfer
