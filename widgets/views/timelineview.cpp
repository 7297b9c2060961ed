#include "widgets/views/timelineview.h"

#include "widgets/views/timelinelayout.h"

#include <QFlags>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QImage>
#include <QMouseEvent>
#include <QPoint>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QToolTip>
#include <QWheelEvent>
#include <Qt>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>

namespace coinfer {

using namespace timelinelayout;

double TimelineView::legendHeight() const
{
    // The legend and the status line grow with the font (presentation mode uses a large one).
    ensureGeometry();
    return std::max(18.0, m_lineHeight + 4);
}

double TimelineView::titleTop() const
{
    return m_legendShown ? legendHeight() : 0;
}

double TimelineView::axisHeight() const
{
    return titleTop() + legendHeight() + std::max(22.0, m_lineHeight + 8);
}

void TimelineView::setLegendShown(bool shown)
{
    if (m_legendShown == shown)
        return;
    m_legendShown = shown;
    m_geometryFor = QSize(); // the lanes move up or down by a row
    ensureGeometry();
    updateGeometry();
    update();
}

double TimelineView::overviewWidth() const
{
    // Lanes fitted to the height are all on screen: the overview would repeat them.
    return m_fitLanes ? 0.0 : kStripWidth;
}

bool TimelineView::overviewShown() const
{
    // Its room stays reserved (the axis keeps its length), but with every lane on screen the
    // strip would only repeat them in small.
    ensureGeometry();
    return overviewWidth() > 0 && m_scroll->maximum() > 0;
}

TimelineView::TimelineView(QWidget* parent) : QWidget(parent), m_scroll(new QScrollBar(Qt::Vertical, this))
{
    setMinimumHeight(120);
    setMouseTracking(true);                       // hovering a GPU batch links its members
    m_scrollWidth = m_scroll->sizeHint().width(); // asked once: the style's metrics are slow to read per segment
    connect(m_scroll, &QScrollBar::valueChanged, this, [this] { update(); });
}

void TimelineView::setModel(TimelineModel model)
{
    m_model = std::move(model);
    m_windowStartMs = 0;
    m_windowSpanMs = 0;
    m_axisEndMs = 0;
    m_selectedBatch = -1;
    m_hoverBatch = -1;
    if (m_selectedUser >= m_model.userCount())
        m_selectedUser = -1;
    rebuildRows();
    m_scroll->setValue(0);
    updateGeometry();
    update();
    emit timeWindowChanged(windowStartMs(), windowSpanMs());
}

void TimelineView::setLaneOrder(LaneOrder order)
{
    m_order = order;
    rebuildRows();
    update();
}

void TimelineView::rebuildRows()
{
    const int users = m_model.userCount();
    const auto& facts = m_model.facts();
    std::vector<int> order(static_cast<size_t>(users));
    for (int m = 0; m < users; ++m)
        order[static_cast<size_t>(m)] = m;
    auto fact = [&facts](int m) -> const LaneFacts& { return facts[static_cast<size_t>(m)]; };
    switch (m_order) {
    case LaneOrder::User:
        break;
    case LaneOrder::Deadline:
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return fact(a).deadlineMs < fact(b).deadlineMs; });
        break;
    case LaneOrder::Group: {
        // The rounds in order, then the users who compute alone (group -1 in a plan).
        const auto rank = [&](int m) { return fact(m).group < 0 ? std::numeric_limits<int>::max() : fact(m).group; };
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return rank(a) < rank(b); });
        break;
    }
    case LaneOrder::Partition:
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return fact(a).partition < fact(b).partition; });
        break;
    case LaneOrder::DeviceClass:
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return fact(a).deviceClass < fact(b).deviceClass; });
        break;
    }
    const bool grouped = m_order == LaneOrder::Group || m_order == LaneOrder::Partition || m_order == LaneOrder::DeviceClass;
    auto keyOf = [&](int m) {
        switch (m_order) {
        case LaneOrder::Group:
            return fact(m).group < 0 ? tr("Computed on the phone alone") : tr("Group (round) %1").arg(fact(m).group);
        case LaneOrder::Partition:
            return tr("Partition point %1").arg(fact(m).partition);
        case LaneOrder::DeviceClass:
            return fact(m).deviceClass.isEmpty() ? tr("No device class") : fact(m).deviceClass;
        default:
            return QString();
        }
    };
    m_rows.clear();
    m_rowOfUser.assign(static_cast<size_t>(users), -1);
    for (size_t k = 0; k < order.size(); ++k) {
        const int m = order[k];
        if (grouped && (k == 0 || keyOf(m) != keyOf(order[k - 1]))) {
            size_t members = k;
            while (members < order.size() && keyOf(order[members]) == keyOf(m))
                ++members;
            m_rows.push_back({-1, tr("%1: %n user(s)", nullptr, static_cast<int>(members - k)).arg(keyOf(m))});
        }
        m_rowOfUser[static_cast<size_t>(m)] = static_cast<int>(m_rows.size());
        m_rows.push_back({m, {}});
    }
    m_geometryFor = {};
    m_overviewStale = true;
}

int TimelineView::userAtRow(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<size_t>(row)].user : -1;
}

QString TimelineView::headerAtRow(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<size_t>(row)].header : QString();
}

void TimelineView::setFitLanesToHeight(bool fit)
{
    m_fitLanes = fit;
    m_geometryFor = {};
    update();
}

void TimelineView::setTitle(QString title)
{
    m_title = std::move(title);
    update();
}

void TimelineView::ensureGeometry() const
{
    if (m_geometryFor == size())
        return;
    m_geometryFor = size();
    m_lineHeight = QFontMetricsF(font()).height(); // read here, not per lane: font metrics are slow
    const double rows = std::max(1, rowCount());
    const double below = height() - axisHeight() - 2 - kGpuSeparator - 4;
    if (m_fitLanes) {
        // The GPU lane first (as tall as a user lane, at least 14 px), then the users share the rest.
        const double first = std::min(kMaxFitPitch, below / (rows + 1));
        m_gpuHeight = std::max(14.0, first * 0.85);
        const double userPitch = std::max(0.01, std::min(kMaxFitPitch, (below - m_gpuHeight - 2) / rows));
        m_laneGap = userPitch >= 6 ? userPitch * 0.15 : 0;
        m_laneHeight = userPitch - m_laneGap;
    } else {
        m_gpuHeight = kLaneHeight;
        m_laneHeight = kLaneHeight;
        m_laneGap = kLaneGap;
        // A dozen lanes or fewer shrink (down to kMinCompactPitch apart) rather than hide the
        // last ones: two plans compared one above the other each show a classroom's eight users.
        const double userRoom = below - m_gpuHeight;
        if (rows <= kMaxCompactRows && rows * (kLaneHeight + kLaneGap) > userRoom) {
            const double pitch = std::max(kMinCompactPitch, userRoom / rows);
            m_laneGap = pitch * kLaneGap / (kLaneHeight + kLaneGap);
            m_laneHeight = pitch - m_laneGap;
        }
    }
    const double lanesHeight = height() - lanesTop();
    const int content = static_cast<int>(std::ceil(rows * (m_laneHeight + m_laneGap)));
    const QSignalBlocker block(m_scroll);
    m_scroll->setRange(0, std::max(0, content - static_cast<int>(lanesHeight)));
    m_scroll->setPageStep(std::max(1, static_cast<int>(lanesHeight)));
    m_scroll->setSingleStep(std::max(1, static_cast<int>(m_laneHeight + m_laneGap)));
    const int scrollWidth = m_scrollWidth;
    m_scroll->setGeometry(width() - scrollWidth, static_cast<int>(lanesTop()), scrollWidth,
                          std::max(0, height() - static_cast<int>(lanesTop())));
    m_scroll->setVisible(m_scroll->maximum() > 0);
    m_overviewStale = true;
}

void TimelineView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    ensureGeometry();
    if (revealing() && m_followCursor)
        scrollToNewestArrival(true); // a taller or shorter view keeps the newest arrival at its bottom
}

QSize TimelineView::sizeHint() const
{
    return {900, static_cast<int>(axisHeight() + 2 + kLaneHeight + kGpuSeparator +
                                  std::min(12, rowCount()) * (kLaneHeight + kLaneGap) + 6)};
}

QSize TimelineView::minimumSizeHint() const
{
    return {400, static_cast<int>(axisHeight() + 2 + kLaneHeight + kGpuSeparator + 3 * (kLaneHeight + kLaneGap))};
}

double TimelineView::plotLeft() const
{
    return m_model.isEpisode() ? kEpisodeLabelWidth : kLabelWidth;
}

double TimelineView::plotRight() const
{
    // The meters, the overview and the scroll bar always keep their room, so the axis does not
    // move when the cursor appears and two timelines of the same width line up.
    return width() - m_scrollWidth - overviewWidth() - kMeterWidth - 8;
}

double TimelineView::lanesTop() const
{
    return axisHeight() + 2 + gpuHeight() + kGpuSeparator;
}

double TimelineView::laneTop(int lane) const
{
    if (lane == m_model.gpuLane())
        return axisHeight() + 2;
    const int row = lane >= 0 && lane < static_cast<int>(m_rowOfUser.size()) ? m_rowOfUser[static_cast<size_t>(lane)] : 0;
    return lanesTop() + row * pitch() - m_scroll->value();
}

int TimelineView::rowAt(double y) const
{
    if (y < lanesTop())
        return -1;
    const int row = static_cast<int>((y - lanesTop() + m_scroll->value()) / pitch());
    return row < rowCount() ? row : -1;
}

int TimelineView::firstVisibleRow() const
{
    return std::clamp(static_cast<int>(m_scroll->value() / pitch()), 0, std::max(0, rowCount() - 1));
}

int TimelineView::lastVisibleRow() const
{
    const double bottom = m_scroll->value() + height() - lanesTop();
    return std::clamp(static_cast<int>(std::ceil(bottom / pitch())) - 1, 0, std::max(0, rowCount() - 1));
}

void TimelineView::scrollToRow(int row)
{
    ensureGeometry();
    m_scroll->setValue(static_cast<int>(std::lround(std::clamp(row, 0, std::max(0, rowCount() - 1)) * pitch())));
}

double TimelineView::axisEndMs() const
{
    return m_axisEndMs > 0 ? m_axisEndMs : m_model.endMs();
}

void TimelineView::setAxisEndMs(double endMs)
{
    m_axisEndMs = std::max(0.0, endMs);
    m_overviewStale = true;
    setTimeWindow(m_windowStartMs, m_windowSpanMs);
}

double TimelineView::minSpanMs() const
{
    // At most 2,000x magnification, and never below a microsecond.
    return std::max(axisEndMs() / 2000, 1e-3);
}

double TimelineView::windowSpanMs() const
{
    return m_windowSpanMs > 0 ? m_windowSpanMs : std::max(axisEndMs(), 1e-9);
}

void TimelineView::setTimeWindow(double startMs, double spanMs)
{
    const double full = axisEndMs();
    double span = spanMs > 0 ? std::clamp(spanMs, std::min(minSpanMs(), full), full) : 0;
    if (span >= full * (1 - 1e-9))
        span = 0; // the whole plan: follows the model's end
    const double start = span > 0 ? std::clamp(startMs, 0.0, full - span) : 0.0;
    if (start == m_windowStartMs && span == m_windowSpanMs)
        return;
    m_windowStartMs = start;
    m_windowSpanMs = span;
    update();
    emit timeWindowChanged(windowStartMs(), windowSpanMs());
}

void TimelineView::fitToWindow()
{
    setTimeWindow(0, 0);
    m_scroll->setValue(0);
}

void TimelineView::zoom(double factor, double aroundMs)
{
    const double span = std::clamp(windowSpanMs() / factor, minSpanMs(), maxSpanMs());
    const double share = (aroundMs - m_windowStartMs) / windowSpanMs();
    setTimeWindow(aroundMs - share * span, span);
}

void TimelineView::setHighlightedUsers(std::set<int> users)
{
    m_highlighted = std::move(users);
    update();
}

void TimelineView::setCursorMs(double timeMs)
{
    m_cursorMs = timeMs;
    if (m_model.isEpisode() && m_followCursor && timeMs >= 0) {
        // An episode rolls: the window glides with the cursor a third in, and the lanes scroll
        // so that the newest arrival is the last lane shown.
        if (m_windowSpanMs > 0)
            setTimeWindow(timeMs - 0.35 * m_windowSpanMs, m_windowSpanMs);
        scrollToNewestArrival();
    } else if (m_followCursor && timeMs >= 0 && m_windowSpanMs > 0 &&
               (timeMs < m_windowStartMs || timeMs > m_windowStartMs + m_windowSpanMs)) {
        // Following: a cursor that leaves a zoomed window brings the window along.
        setTimeWindow(timeMs - 0.1 * m_windowSpanMs, m_windowSpanMs);
    }
    update();
}

bool TimelineView::lateShown(int lane) const
{
    const LaneFacts& facts = m_model.facts()[static_cast<size_t>(lane)];
    return facts.late && (!revealing() || facts.dispatchMs <= m_cursorMs);
}

void TimelineView::scrollToNewestArrival(bool toBottom)
{
    if (m_order != LaneOrder::User || m_fitLanes)
        return; // only release order keeps the arrivals in a run of rows
    ensureGeometry();
    const auto& facts = m_model.facts();
    const int newest = static_cast<int>(std::upper_bound(facts.begin(), facts.end(), m_cursorMs,
                                                         [](double ms, const LaneFacts& f) { return ms < f.releaseMs; }) -
                                        facts.begin()) -
                       1;
    const double shown = height() - lanesTop();
    const double bottom = (newest + 1) * pitch();
    if (toBottom || bottom > m_scroll->value() + shown || bottom - pitch() < m_scroll->value())
        m_scroll->setValue(static_cast<int>(std::max(0.0, bottom - shown)));
}

void TimelineView::selectUser(int user)
{
    m_selectedUser = user;
    // A selected lane that is scrolled away comes into view.
    if (user >= 0 && user < m_model.userCount()) {
        const int row = m_rowOfUser[static_cast<size_t>(user)];
        if (row < firstVisibleRow() || row >= lastVisibleRow())
            scrollToRow(row - 2);
    }
    update();
}

double TimelineView::xOf(double ms) const
{
    return plotLeft() + (plotRight() - plotLeft() - kEndPadding) * (ms - m_windowStartMs) / windowSpanMs();
}

double TimelineView::msAt(double x) const
{
    return m_windowStartMs + (x - plotLeft()) / (plotRight() - plotLeft() - kEndPadding) * windowSpanMs();
}

QRectF TimelineView::segmentRect(const TimelineSegment& segment) const
{
    const double left = xOf(segment.startMs);
    const double height = segment.lane == m_model.gpuLane() ? gpuHeight() : laneHeight();
    // At least a pixel tall: lanes thinner than a pixel are drawn one per pixel row.
    return {left, laneTop(segment.lane), std::max(1.0, xOf(segment.endMs) - left), std::max(height, 1.0)};
}

QString TimelineView::emptyMessage() const
{
    if (!m_model.hasPlan())
        return tr("No plan yet: the schedule appears here once the scenario is planned (Plan menu, F5)");
    if (m_model.isEpisode() && m_model.userCount() == 0)
        return tr("No task arrived in this episode: a longer horizon or higher arrival rates give one to watch");
    if (m_model.userCount() == 0)
        return tr("No users: add or generate users to see a schedule");
    if (!(m_model.endMs() > 1e-6))
        return tr("Nothing to schedule: the DNN has no sub-tasks");
    return {};
}

QString TimelineView::lateSummary() const
{
    const int late = m_model.lateCount();
    if (m_model.isEpisode())
        return late == 0
                   ? QString()
                   : tr("in the episode, %1 of %n task(s) miss their deadline (red)", nullptr, m_model.userCount()).arg(late);
    return late == 0 ? QString() : tr("%1 of %n user(s) late (red)", nullptr, m_model.userCount()).arg(late);
}

QString TimelineView::idleGpuSummary() const
{
    if (m_model.isEpisode() || !m_model.hasPlan() || m_model.userCount() == 0)
        return {};
    const auto [first, last] = m_model.laneSegments(m_model.gpuLane());
    return first == last ? tr("no user offloads: the GPU stays idle") : QString();
}

FrameRenderer timelineAnimation(TimelineModel model)
{
    const double endMs = model.endMs();
    auto view = std::make_shared<TimelineView>();
    view->setModel(std::move(model));
    view->setFitLanesToHeight(true);
    return [view, endMs](QImage& image, int index, int count) {
        if (view->size() != image.size())
            view->resize(image.size());
        view->setCursorMs(count > 1 ? endMs * index / (count - 1) : endMs);
        view->render(&image);
    };
}

FrameRenderer timelineAnimation(const TimelineView& source, AnimationLanes lanes)
{
    const double endMs = source.axisEndMs();
    auto view = std::make_shared<TimelineView>();
    view->setModel(source.model());
    view->setLaneOrder(source.laneOrder());
    view->setAxisEndMs(source.axisEndMs());
    view->setTitle(source.title());
    view->setLegendShown(source.legendShown());
    view->setFitLanesToHeight(lanes == AnimationLanes::AllScaled);
    if (source.model().isEpisode() && lanes == AnimationLanes::OnScreen) {
        // The lanes on screen play in the window the page shows, gliding with the cursor from 0.
        // Every lane scaled shows the whole episode: its arrivals fill the frame's diagonal.
        view->setFollowCursor(source.followCursor());
        if (source.windowSpanMs() < source.axisEndMs() * (1 - 1e-9))
            view->setTimeWindow(0, source.windowSpanMs());
    }
    const int firstRow = lanes == AnimationLanes::OnScreen ? source.firstVisibleRow() : 0;
    return [view, endMs, firstRow](QImage& image, int index, int count) {
        if (view->size() != image.size()) {
            view->resize(image.size());
            view->scrollToRow(firstRow);
        }
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
    const QPointF at = event->position();
    if (m_draggingOverview) {
        scrollFromOverview(at.y());
        return;
    }
    if (!(event->buttons() & Qt::LeftButton)) {
        const int index = segmentAt(at);
        const TimelineSegment* segment = index >= 0 ? &m_model.segments()[static_cast<size_t>(index)] : nullptr;
        const int hover = segment && segment->kind == SegmentKind::GpuBatch ? segment->batch : -1;
        if (hover != m_hoverBatch) {
            m_hoverBatch = hover;
            update();
        }
        return;
    }
    if (m_dragFromX < 0)
        return;
    const double movedMs = (at.x() - m_dragFromX) / (plotRight() - plotLeft() - kEndPadding) * windowSpanMs();
    if (m_windowSpanMs > 0)
        setTimeWindow(m_dragFromStartMs - movedMs, m_windowSpanMs);
}

void TimelineView::mouseReleaseEvent(QMouseEvent*)
{
    m_draggingOverview = false;
    m_dragFromX = -1;
}

void TimelineView::leaveEvent(QEvent*)
{
    if (m_hoverBatch >= 0) {
        m_hoverBatch = -1;
        update();
    }
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8, msAt(event->position().x()));
        event->accept();
        return;
    }
    // The plain wheel scrolls the lanes: three lanes a notch, as list views do.
    const int before = m_scroll->value();
    const double notches = event->angleDelta().y() / 120.0;
    m_scroll->setValue(before - static_cast<int>(std::lround(notches * 3 * pitch())));
    if (m_scroll->value() != before)
        event->accept();
    else
        event->ignore();
}

int TimelineView::segmentAt(const QPointF& point) const
{
    int lane = -1;
    const double gpuTop = laneTop(m_model.gpuLane());
    if (point.y() >= gpuTop && point.y() < gpuTop + gpuHeight())
        lane = m_model.gpuLane();
    else if (point.y() >= lanesTop())
        lane = userAtRow(rowAt(point.y()));
    if (lane < 0 || point.x() < plotLeft() || point.x() > plotRight())
        return -1;
    const auto [first, last] = m_model.laneSegments(lane);
    const auto& segments = m_model.segments();
    const double ms = msAt(point.x() - 1);
    const int* from = std::lower_bound(
        first, last, ms, [&segments](int index, double at) { return segments[static_cast<size_t>(index)].endMs < at; });
    for (const int* at = from; at != last; ++at) {
        if (segmentRect(segments[static_cast<size_t>(*at)]).contains(point))
            return *at;
        if (segments[static_cast<size_t>(*at)].startMs > msAt(point.x() + 1))
            break;
    }
    return -1;
}

QString TimelineView::describeAt(const QPointF& point) const
{
    static const char* const kinds[] = {"computing locally", "uploading", "waiting for the GPU",
                                        "on the GPU",        "GPU batch", "waiting in the pool for a dispatch"};
    const double gpuTop = laneTop(m_model.gpuLane());
    if (m_model.isEpisode() && m_cursorMs >= 0 && point.x() > plotRight() + 4 && point.x() < plotRight() + kMeterWidth &&
        point.y() >= gpuTop && point.y() < gpuTop + gpuHeight()) {
        const auto [planned, local] = m_model.energyAt(m_cursorMs);
        return tr("Energy so far, every task: the episode %1 mJ (blue) against computing all locally %2 mJ (grey)")
            .arg(planned, 0, 'f', 1)
            .arg(local, 0, 'f', 1);
    }
    const int index = segmentAt(point);
    if (index < 0) {
        const int user = point.y() >= lanesTop() ? userAtRow(rowAt(point.y())) : -1;
        if (user < 0 || !m_model.facts()[static_cast<size_t>(user)].late)
            return {};
        const LaneFacts& facts = m_model.facts()[static_cast<size_t>(user)];
        return tr("%1 is late: finishes at %2 ms, deadline %3 ms")
            .arg(m_model.laneNames()[static_cast<size_t>(user)])
            .arg(facts.finishMs, 0, 'f', 2)
            .arg(facts.deadlineMs, 0, 'f', 2);
    }
    const TimelineSegment& segment = m_model.segments()[static_cast<size_t>(index)];
    QString text = QString("%1: %2, %3 to %4 ms")
                       .arg(m_model.laneNames()[static_cast<size_t>(segment.lane)])
                       .arg(kinds[static_cast<int>(segment.kind)])
                       .arg(segment.startMs, 0, 'f', 2)
                       .arg(segment.endMs, 0, 'f', 2);
    if (segment.kind == SegmentKind::Edge || segment.kind == SegmentKind::GpuBatch)
        text += QString(", sub-task %1, batch of %2").arg(segment.subtask).arg(m_model.batchSize(segment.batch));
    return text;
}

bool TimelineView::event(QEvent* event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        m_geometryFor = {};
        m_scrollWidth = m_scroll->sizeHint().width();
        update();
    }
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
    if (overviewShown() && overviewRect().adjusted(-2, 0, 2, 0).contains(at)) {
        m_draggingOverview = true;
        scrollFromOverview(at.y());
        return;
    }
    m_dragFromX = at.x();
    m_dragFromStartMs = m_windowStartMs;
    // Clicking a batch, or a user's share of one, links the batch's members.
    const int index = segmentAt(at);
    const TimelineSegment* segment = index >= 0 ? &m_model.segments()[static_cast<size_t>(index)] : nullptr;
    m_selectedBatch =
        segment && (segment->kind == SegmentKind::GpuBatch || segment->kind == SegmentKind::Edge) ? segment->batch : -1;
    const int user = at.y() >= lanesTop() ? userAtRow(rowAt(at.y())) : -1;
    if (user >= 0) {
        m_selectedUser = user;
        emit userClicked(user);
    }
    update();
}

} // namespace coinfer

#include "moc_timelineview.cpp"
