#pragma once
// The schedule of a plan on a time axis: one lane per user (local computing, upload, waiting,
// its edge sub-tasks, its deadline) and one lane for the GPU's batches. The geometry is computed
// by TimelineModel from the plan alone, so it can be tested without painting.

#include "core/plan.h"
#include "core/scenario.h"

#include <QRectF>
#include <QString>
#include <QWidget>

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

private:
    int m_lanes = 0;
    double m_endMs = 0;
    std::vector<TimelineSegment> m_segments;
    std::vector<double> m_deadlinesMs;
    std::vector<QString> m_names;
};

/// Paints a TimelineModel; click a user's lane or a batch to select it.
class TimelineView : public QWidget {
    Q_OBJECT

public:
    explicit TimelineView(QWidget* parent = nullptr);
    void setModel(TimelineModel model);
    const TimelineModel& model() const { return m_model; }
    void selectUser(int user);
    /// Rectangle of a segment in widget coordinates (for painting, hit tests and tests).
    QRectF segmentRect(const TimelineSegment& segment) const;

signals:
    void userClicked(int user);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    QSize sizeHint() const override;

private:
    double xOf(double ms) const;
    double laneTop(int lane) const;
    TimelineModel m_model;
    int m_selectedUser = -1;
    int m_selectedBatch = -1;
};

} // namespace coinfer
