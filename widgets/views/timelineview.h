#pragma once
// The schedule of a plan on a time axis: one lane per user (local computing, upload, waiting,
// its edge sub-tasks, its deadline) and one lane for the GPU's batches. The geometry is computed
// by TimelineModel from the plan alone, so it can be tested without painting.

#include "core/model/plan.h"
#include "core/model/scenario.h"
#include "widgets/export/frameexporter.h"

#include <QRectF>
#include <QString>
#include <QWidget>

class QPainter;

#include <functional>
#include <set>
#include <vector>

namespace coinfer {

/// What one rectangle of the timeline shows.
enum class SegmentKind { Local, Upload, Waiting, Edge, GpuBatch };

struct TimelineSegment {
    SegmentKind kind;
    int lane;            ///< user index, or userCount for the GPU lane
    double startMs, endMs;
    int subtask = 0;     ///< Edge and GpuBatch
    int batch = -1;      ///< index into Plan::batches for Edge and GpuBatch
};

/// How one user's energy builds up over time: computing, then uploading; and what computing
/// everything locally would have spent by the same time.
struct LaneEnergy {
    double computeMj = 0, computeEndMs = 0;
    double uploadMj = 0, uploadStartMs = 0, uploadEndMs = 0;
    double localOnlyMj = 0, localOnlyMs = 0;
    /// Energy of the plan spent by @p timeMs, and of computing locally. O(1).
    double planAt(double timeMs) const;
    double localAt(double timeMs) const;
};

/// Lanes and segments of a plan, in milliseconds. O(M + sum of batch sizes).
class TimelineModel {
public:
    TimelineModel() = default;
    TimelineModel(const Scenario& scenario, const Plan& plan);

    int laneCount() const { return m_lanes; }          ///< users + the GPU
    double endMs() const { return m_endMs; }           ///< the latest finish or deadline
    const std::vector<TimelineSegment>& segments() const { return m_segments; }
    const std::vector<double>& deadlinesMs() const { return m_deadlinesMs; }
    const std::vector<QString>& laneNames() const { return m_names; }
    const std::vector<LaneEnergy>& energies() const { return m_energies; }

private:
    int m_lanes = 0;
    double m_endMs = 0;
    std::vector<TimelineSegment> m_segments;
    std::vector<double> m_deadlinesMs;
    std::vector<QString> m_names;
    std::vector<LaneEnergy> m_energies;
};

/// Paints a TimelineModel; click a user's lane or a batch to select it.
class TimelineView : public QWidget {
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);
    void setModel(TimelineModel model);
    const TimelineModel& model() const { return m_model; }
    void selectUser(int user);
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

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    bool event(QEvent* event) override;
    QSize sizeHint() const override;

private:
    double xOf(double ms) const;
    void paintTimeAxis(QPainter& painter);
    void paintLaneNames(QPainter& painter, int firstLane, int lastLane);
    /// The plan's rectangles and each user's deadline, clipped to the time window.
    void paintSegmentsAndDeadlines(QPainter& painter, int firstLane, int lastLane);
    void paintCursorAndMeters(QPainter& painter, int firstLane, int lastLane);
    double laneTop(int lane) const;
    TimelineModel m_model;
    int m_selectedUser = -1;
    int m_selectedBatch = -1;
    double m_cursorMs = -1;
    std::set<int> m_highlighted;
    double m_windowStartMs = 0;
    double m_windowSpanMs = 0;  // 0: the whole plan
    double m_dragFromX = -1;
    double m_dragFromStartMs = 0;
};

/// The animation of @p model as frames for exportFrames() and FrameExporter: the time cursor
/// moves from 0 to the end and the energy meters fill. One hidden view draws every frame.
FrameRenderer timelineAnimation(TimelineModel model);

/// Renders @p frames images of @p model's animation (cursor from 0 to the end) at @p size into
/// @p folder as frame-0001.png, ...; @p progress(done, total) returns false to cancel.
/// Returns the number of frames written. O(frames x segments).
int exportTimelineFrames(const TimelineModel& model, const QString& folder, int frames, const QSize& size,
                         const std::function<bool(int, int)>& progress = {});

} // namespace coinfer
