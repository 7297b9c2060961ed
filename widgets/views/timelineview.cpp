#include "widgets/views/timelineview.h"

#include "widgets/charts/palette.h"

#include <QImage>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <memory>

namespace coinfer {
namespace {

constexpr double kLabelWidth = 90;
constexpr double kMeterWidth = 120; // energy meters at the right, shown with the cursor
constexpr double kLaneHeight = 22;
constexpr double kLaneGap = 4;
constexpr double kAxisHeight = 40; // a status line, then the time axis

QColor colourOf(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Local: return palette::localComputing();
    case SegmentKind::Upload: return palette::uploading();
    case SegmentKind::Waiting: return palette::waiting();
    case SegmentKind::Edge: return palette::edgeComputing();
    case SegmentKind::GpuBatch: return palette::gpuBatch();
    }
    return Qt::gray;
}

} // namespace

double LaneEnergy::planAt(double timeMs) const
{
    auto share = [timeMs](double start, double end) {
        return end <= start ? (timeMs >= end ? 1.0 : 0.0) : std::clamp((timeMs - start) / (end - start), 0.0, 1.0);
    };
    return computeMj * share(0, computeEndMs) + uploadMj * share(uploadStartMs, uploadEndMs);
}

double LaneEnergy::localAt(double timeMs) const
{
    return localOnlyMs <= 0 ? localOnlyMj : localOnlyMj * std::clamp(timeMs / localOnlyMs, 0.0, 1.0);
}

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
        const User& source = scenario.users[static_cast<size_t>(m)];
        LaneEnergy energy;
        for (int n = 0; n < user.partition && n < static_cast<int>(source.localEnergyMj.size()); ++n)
            energy.computeMj += source.localEnergyMj[static_cast<size_t>(n)];
        energy.computeEndMs = user.uploadStartMs;
        energy.uploadMj = user.energyMj - energy.computeMj;
        energy.uploadStartMs = user.uploadStartMs;
        energy.uploadEndMs = user.uploadEndMs;
        for (size_t n = 0; n < source.localEnergyMj.size(); ++n) {
            energy.localOnlyMj += source.localEnergyMj[n];
            energy.localOnlyMs += source.localLatencyMs[n];
        }
        m_energies.push_back(energy);
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
    m_windowStartMs = 0;
    m_selectedBatch = -1;
    updateGeometry();
    update();
}

void TimelineView::setHighlightedUsers(std::set<int> users)
{
    m_highlighted = std::move(users);
    update();
}

void TimelineView::setCursorMs(double timeMs)
{
    m_cursorMs = timeMs;
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

double TimelineView::windowSpanMs() const
{
    return m_windowSpanMs > 0 ? m_windowSpanMs : std::max(m_model.endMs(), 1e-9);
}

void TimelineView::setTimeWindow(double startMs, double spanMs)
{
    m_windowSpanMs = std::max(0.0, spanMs);
    m_windowStartMs = m_windowSpanMs > 0 ? std::max(0.0, startMs) : 0.0;
    update();
}

void TimelineView::zoom(double factor, double aroundMs)
{
    const double span = windowSpanMs() / factor;
    const double share = (aroundMs - m_windowStartMs) / windowSpanMs();
    setTimeWindow(aroundMs - share * span, span);
}

double TimelineView::xOf(double ms) const
{
    return kLabelWidth + (width() - kLabelWidth - kMeterWidth - 10) * (ms - m_windowStartMs) / windowSpanMs();
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

void TimelineView::paintEvent(QPaintEvent* event)
{
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().base());
    for (int lane : m_highlighted)
        painter.fillRect(QRectF(0, laneTop(lane) - 2, width(), kLaneHeight + 4), QColor(255, 200, 0, 90));
    // Only the lanes in the exposed rectangle are painted: thousands of lanes stay cheap.
    const int firstLane = std::max(0, static_cast<int>((event->rect().top() - kAxisHeight) / (kLaneHeight + kLaneGap)) - 1);
    const int lastLane = static_cast<int>((event->rect().bottom() - kAxisHeight) / (kLaneHeight + kLaneGap)) + 1;
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(palette().text().color());
    paintTimeAxis(painter);
    paintLaneNames(painter, firstLane, lastLane);
    paintSegmentsAndDeadlines(painter, firstLane, lastLane);
    if (m_cursorMs >= 0)
        paintCursorAndMeters(painter, firstLane, lastLane);
    if (m_selectedUser >= 0) {
        painter.setPen(QPen(palette().highlight().color(), 2));
        painter.drawRect(QRectF(1, laneTop(m_selectedUser) - 1, width() - 2, kLaneHeight + 2));
    }
}

void TimelineView::paintTimeAxis(QPainter& painter)
{
    // About eight ticks at round values over the window shown.
    const double span = windowSpanMs();
    const double rough = span / 8;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    const double step = rough / magnitude < 2 ? 2 * magnitude : rough / magnitude < 5 ? 5 * magnitude : 10 * magnitude;
    painter.save();
    painter.setClipRect(QRectF(kLabelWidth, 0, width() - kLabelWidth - kMeterWidth, height()));
    for (double t = std::ceil(m_windowStartMs / step) * step; t <= m_windowStartMs + span + 1e-9; t += step) {
        painter.drawLine(QPointF(xOf(t), kAxisHeight - 4), QPointF(xOf(t), kAxisHeight));
        painter.drawText(QPointF(xOf(t) + 2, kAxisHeight - 8), QString::number(t) + " ms");
    }
    painter.restore();
}

void TimelineView::paintLaneNames(QPainter& painter, int firstLane, int lastLane)
{
    for (int lane = firstLane; lane < std::min(lastLane + 1, m_model.laneCount()); ++lane) {
        const bool selected = lane == m_selectedUser;
        QFont font = painter.font();
        font.setBold(selected || lane == m_model.laneCount() - 1);
        painter.setFont(font);
        painter.drawText(QRectF(4, laneTop(lane), kLabelWidth - 8, kLaneHeight), Qt::AlignVCenter | Qt::AlignLeft, m_model.laneNames()[static_cast<size_t>(lane)]);
    }
}

void TimelineView::paintSegmentsAndDeadlines(QPainter& painter, int firstLane, int lastLane)
{
    painter.save();
    painter.setClipRect(QRectF(kLabelWidth, 0, width() - kLabelWidth - kMeterWidth, height()));
    for (const TimelineSegment& segment : m_model.segments()) {
        if (segment.lane < firstLane || segment.lane > lastLane)
            continue;
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
    for (size_t m = static_cast<size_t>(firstLane); m < m_model.deadlinesMs().size() && static_cast<int>(m) <= lastLane; ++m) {
        const double x = xOf(m_model.deadlinesMs()[m]);
        const double top = laneTop(static_cast<int>(m));
        painter.drawLine(QPointF(x, top - 1), QPointF(x, top + kLaneHeight + 1));
    }
    painter.restore();
}

void TimelineView::paintCursorAndMeters(QPainter& painter, int firstLane, int lastLane)
{
    const double x = xOf(m_cursorMs);
    painter.setPen(QPen(QColor(20, 20, 20), 2));
    painter.drawLine(QPointF(x, kAxisHeight - 2), QPointF(x, height()));
    double largest = 1e-12, planTotal = 0, localTotal = 0;
    for (const LaneEnergy& energy : m_model.energies()) {
        largest = std::max(largest, energy.localOnlyMj);
        planTotal += energy.planAt(m_cursorMs);
        localTotal += energy.localAt(m_cursorMs);
    }
    // Two meters per user: the plan's energy so far over the local-only energy so far.
    const double left = width() - kMeterWidth;
    const auto& energies = m_model.energies();
    for (int lane = firstLane; lane <= lastLane && lane < static_cast<int>(energies.size()); ++lane) {
        const double top = laneTop(lane);
        const double full = kMeterWidth - 14;
        painter.fillRect(QRectF(left, top + 2, full * energies[static_cast<size_t>(lane)].localAt(m_cursorMs) / largest, kLaneHeight / 2 - 3),
                         QColor(190, 190, 190));
        painter.fillRect(QRectF(left, top + kLaneHeight / 2 + 1, full * energies[static_cast<size_t>(lane)].planAt(m_cursorMs) / largest,
                                kLaneHeight / 2 - 3),
                         QColor(70, 130, 180));
    }
    painter.setPen(palette().text().color());
    painter.drawText(QRectF(kLabelWidth, 0, width() - kLabelWidth - 4, 18), Qt::AlignRight | Qt::AlignVCenter,
                     tr("t = %1 ms   energy so far: this plan %2 mJ (blue), all local %3 mJ (grey)")
                         .arg(m_cursorMs, 0, 'f', 1).arg(planTotal, 0, 'f', 1).arg(localTotal, 0, 'f', 1));
}

FrameRenderer timelineAnimation(TimelineModel model)
{
    const double endMs = model.endMs();
    auto view = std::make_shared<TimelineView>();
    view->setModel(std::move(model));
    return [view, endMs](QImage& image, int index, int count) {
        if (view->size() != image.size())
            view->resize(image.size());
        view->setCursorMs(count > 1 ? endMs * index / (count - 1) : endMs);
        view->render(&image);
    };
}

int exportTimelineFrames(const TimelineModel& model, const QString& folder, int frames, const QSize& size,
                         const std::function<bool(int, int)>& progress)
{
    return exportFrames(timelineAnimation(model), folder, frames, size, progress);
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_dragFromX < 0)
        return;
    const double movedMs = (event->position().x() - m_dragFromX) / (width() - kLabelWidth - kMeterWidth - 10) * windowSpanMs();
    if (m_windowSpanMs > 0)
        setTimeWindow(m_dragFromStartMs - movedMs, m_windowSpanMs);
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        event->ignore(); // plain wheel scrolls the lanes
        return;
    }
    const double around = m_windowStartMs + (event->position().x() - kLabelWidth) / (width() - kLabelWidth - kMeterWidth - 10) * windowSpanMs();
    zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8, around);
    event->accept();
}

QString TimelineView::describeAt(const QPointF& point) const
{
    static const char* const kinds[] = {"computing locally", "uploading", "waiting for the GPU", "on the GPU", "GPU batch"};
    for (const TimelineSegment& segment : m_model.segments()) {
        if (!segmentRect(segment).contains(point))
            continue;
        QString text = QString("%1: %2, %3 to %4 ms").arg(m_model.laneNames()[static_cast<size_t>(segment.lane)])
                           .arg(kinds[static_cast<int>(segment.kind)]).arg(segment.startMs, 0, 'f', 2).arg(segment.endMs, 0, 'f', 2);
        if (segment.kind == SegmentKind::Edge || segment.kind == SegmentKind::GpuBatch)
            text += QString(", sub-task %1").arg(segment.subtask);
        if (segment.kind == SegmentKind::GpuBatch) {
            int members = 0;
            for (const TimelineSegment& other : m_model.segments())
                members += other.kind == SegmentKind::Edge && other.batch == segment.batch;
            text += QString(", batch of %1").arg(members);
        }
        return text;
    }
    return {};
}

bool TimelineView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = describeAt(help->pos());
        text.isEmpty() ? QToolTip::hideText() : QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    const QPointF at = event->position();
    m_dragFromX = at.x();
    m_dragFromStartMs = m_windowStartMs;
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

#include "moc_timelineview.cpp"
