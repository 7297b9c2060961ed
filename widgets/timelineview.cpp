#include "widgets/timelineview.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace coinfer {
namespace {

constexpr double kLabelWidth = 90;
constexpr double kLaneHeight = 22;
constexpr double kLaneGap = 4;
constexpr double kAxisHeight = 22;

QColor colourOf(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Local: return QColor(120, 170, 90);
    case SegmentKind::Upload: return QColor(230, 160, 60);
    case SegmentKind::Waiting: return QColor(225, 225, 225);
    case SegmentKind::Edge: return QColor(70, 130, 180);
    case SegmentKind::GpuBatch: return QColor(40, 80, 140);
    }
    return Qt::gray;
}

} // namespace

TimelineModel::TimelineModel(const Scenario& scenario, const Plan& plan)
{
    const int users = static_cast<int>(plan.users.size());
    m_lanes = users + 1;
    for (int m = 0; m < users; ++m) {
        const UserOutcome& user = plan.users[static_cast<size_t>(m)];
        m_names.push_back(QString::fromStdString(scenario.users[static_cast<size_t>(m)].id));
        m_deadlinesMs.push_back(user.deadlineMs);
        m_endMs = std::max(m_endMs, user.deadlineMs);
        if (std::isfinite(user.finishMs))
            m_endMs = std::max(m_endMs, user.finishMs);
        if (user.uploadStartMs > 0)
            m_segments.push_back({SegmentKind::Local, m, 0.0, user.uploadStartMs});
        if (user.uploadEndMs > user.uploadStartMs)
            m_segments.push_back({SegmentKind::Upload, m, user.uploadStartMs, user.uploadEndMs});
    }
    m_names.push_back(QStringLiteral("GPU"));
    // Each user's edge sub-tasks, and the waiting between its upload and its first batch.
    std::vector<double> lastEndMs(static_cast<size_t>(users));
    for (int m = 0; m < users; ++m)
        lastEndMs[static_cast<size_t>(m)] = plan.users[static_cast<size_t>(m)].uploadEndMs;
    for (size_t b = 0; b < plan.batches.size(); ++b) {
        const TimedBatch& batch = plan.batches[b];
        m_segments.push_back({SegmentKind::GpuBatch, users, batch.startMs, batch.endMs, batch.subtask, static_cast<int>(b)});
        for (int m : batch.users) {
            if (batch.startMs > lastEndMs[static_cast<size_t>(m)])
                m_segments.push_back({SegmentKind::Waiting, m, lastEndMs[static_cast<size_t>(m)], batch.startMs});
            m_segments.push_back({SegmentKind::Edge, m, batch.startMs, batch.endMs, batch.subtask, static_cast<int>(b)});
            lastEndMs[static_cast<size_t>(m)] = batch.endMs;
        }
        m_endMs = std::max(m_endMs, batch.endMs);
    }
}

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent)
{
    setMinimumHeight(120);
    setMouseTracking(false);
}

void TimelineView::setModel(TimelineModel model)
{
    m_model = std::move(model);
    m_selectedBatch = -1;
    updateGeometry();
    update();
}

void TimelineView::selectUser(int user)
{
    m_selectedUser = user;
    update();
}

QSize TimelineView::sizeHint() const
{
    return {800, static_cast<int>(kAxisHeight + m_model.laneCount() * (kLaneHeight + kLaneGap) + 10)};
}

double TimelineView::xOf(double ms) const
{
    const double span = std::max(m_model.endMs(), 1e-9);
    return kLabelWidth + (width() - kLabelWidth - 10) * ms / span;
}

double TimelineView::laneTop(int lane) const
{
    return kAxisHeight + lane * (kLaneHeight + kLaneGap);
}

QRectF TimelineView::segmentRect(const TimelineSegment& segment) const
{
    const double left = xOf(segment.startMs);
    return {left, laneTop(segment.lane), std::max(1.0, xOf(segment.endMs) - left), kLaneHeight};
}

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    painter.setRenderHint(QPainter::Antialiasing, false);
    // Time axis with about eight ticks at round values.
    const double span = std::max(m_model.endMs(), 1e-9);
    const double rough = span / 8;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    const double step = rough / magnitude < 2 ? 2 * magnitude : rough / magnitude < 5 ? 5 * magnitude : 10 * magnitude;
    painter.setPen(palette().text().color());
    for (double t = 0; t <= span + 1e-9; t += step) {
        painter.drawLine(QPointF(xOf(t), kAxisHeight - 4), QPointF(xOf(t), kAxisHeight));
        painter.drawText(QPointF(xOf(t) + 2, kAxisHeight - 8), QString::number(t) + " ms");
    }
    for (int lane = 0; lane < m_model.laneCount(); ++lane) {
        const bool selected = lane == m_selectedUser;
        QFont font = painter.font();
        font.setBold(selected || lane == m_model.laneCount() - 1);
        painter.setFont(font);
        painter.drawText(QRectF(4, laneTop(lane), kLabelWidth - 8, kLaneHeight), Qt::AlignVCenter | Qt::AlignLeft, m_model.laneNames()[static_cast<size_t>(lane)]);
    }
    for (const TimelineSegment& segment : m_model.segments()) {
        const QRectF box = segmentRect(segment);
        QColor colour = colourOf(segment.kind);
        if (m_selectedBatch >= 0 && segment.batch == m_selectedBatch)
            colour = QColor(220, 60, 60);
        painter.fillRect(box, colour);
        if ((segment.kind == SegmentKind::Edge || segment.kind == SegmentKind::GpuBatch) && box.width() > 14) {
            painter.setPen(Qt::white);
            painter.drawText(box, Qt::AlignCenter, QString::number(segment.subtask));
        }
    }
    painter.setPen(QPen(QColor(200, 40, 40), 2));
    for (size_t m = 0; m < m_model.deadlinesMs().size(); ++m) {
        const double x = xOf(m_model.deadlinesMs()[m]);
        const double top = laneTop(static_cast<int>(m));
        painter.drawLine(QPointF(x, top - 1), QPointF(x, top + kLaneHeight + 1));
    }
    if (m_selectedUser >= 0) {
        painter.setPen(QPen(palette().highlight().color(), 2));
        painter.drawRect(QRectF(1, laneTop(m_selectedUser) - 1, width() - 2, kLaneHeight + 2));
    }
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    const QPointF at = event->position();
    m_selectedBatch = -1;
    for (const TimelineSegment& segment : m_model.segments())
        if (segment.kind == SegmentKind::GpuBatch && segmentRect(segment).contains(at))
            m_selectedBatch = segment.batch; // clicking a batch highlights its users' copies
    const int lane = static_cast<int>((at.y() - kAxisHeight) / (kLaneHeight + kLaneGap));
    if (at.y() >= kAxisHeight && lane >= 0 && lane < m_model.laneCount() - 1) {
        m_selectedUser = lane;
        emit userClicked(lane);
    }
    update();
}

} // namespace coinfer
