#include "widgets/views/timelineview.h"

#include "widgets/charts/palette.h"

#include "core/online/online.h"
#include "core/util/tolerance.h"

#include <QImage>
#include <QMouseEvent>
#include <QScrollBar>
#include <QPaintEvent>
#include <QTimer>
#include <QToolTip>
#include <QWheelEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace coinfer {
namespace {

constexpr double kLabelWidth = 90;
constexpr double kEpisodeLabelWidth = 130; // "hana #1234 (late)": an episode names tasks, not users
constexpr double kMeterWidth = 120;   // energy meters at the right, shown with the cursor
constexpr double kLaneHeight = 22;    // a scrolling lane; fit-to-height lanes shrink from it
constexpr double kLaneGap = 4;
constexpr double kMinCompactPitch = 17; // lanes of a short list shrink to this pitch before any is hidden
constexpr int kMaxCompactRows = 12;
constexpr double kGpuSeparator = 6;   // between the pinned GPU lane and the scrolling lanes
constexpr double kStripWidth = 18;   // the overview strip
constexpr double kEndPadding = 6;    // the axis ends this far inside the plot, so deadline marks at the end show
constexpr double kMaxFitPitch = 120;  // presentation lanes grow up to this: they fill a full screen

QColor colourOf(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Local: return palette::localComputing();
    case SegmentKind::Upload: return palette::uploading();
    case SegmentKind::Waiting: return palette::waiting();
    case SegmentKind::Edge: return palette::edgeComputing();
    case SegmentKind::GpuBatch: return palette::gpuBatch();
    case SegmentKind::Pending: return palette::pending();
    }
    return Qt::gray;
}

} // namespace

double LaneEnergy::planAt(double timeMs) const
{
    auto share = [timeMs](double start, double end) {
        return end <= start ? (timeMs >= end ? 1.0 : 0.0) : std::clamp((timeMs - start) / (end - start), 0.0, 1.0);
    };
    return computeMj * share(computeStartMs, computeEndMs) + uploadMj * share(uploadStartMs, uploadEndMs);
}

double LaneEnergy::localAt(double timeMs) const
{
    if (localOnlyMs <= 0)
        return timeMs >= localStartMs ? localOnlyMj : 0.0;
    return localOnlyMj * std::clamp((timeMs - localStartMs) / localOnlyMs, 0.0, 1.0);
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
    m_algorithm = QString::fromStdString(plan.algorithm);
    m_hasPlan = true;
    for (int m = 0; m < users; ++m) {
        const UserOutcome& user = plan.users[static_cast<size_t>(m)];
        LaneFacts facts{user.deadlineMs, user.finishMs, user.group, user.partition,
                        QString::fromStdString(scenario.users[static_cast<size_t>(m)].deviceClass)};
        facts.late = !std::isfinite(user.finishMs) || user.finishMs > user.deadlineMs + 1e-9;
        m_lateCount += facts.late;
        m_facts.push_back(std::move(facts));
    }
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
    m_batchSizes.resize(plan.batches.size());
    for (size_t b = 0; b < plan.batches.size(); ++b)
        m_batchSizes[b] = static_cast<int>(plan.batches[b].users.size());
    indexLanes();
}

TimelineModel TimelineModel::fromEpisode(const Scenario& scenario, const std::vector<OnlineDispatch>& dispatches)
{
    TimelineModel model;
    model.m_episode = true;
    model.m_hasPlan = true;
    model.m_algorithm = QObject::tr("Online episode");
    // Every task once, in release order: (release, dispatch, place in that dispatch's pool).
    struct TaskRef {
        double releaseMs;
        size_t dispatch, slot;
    };
    std::vector<TaskRef> refs;
    std::vector<std::vector<int>> laneOf(dispatches.size());
    for (size_t d = 0; d < dispatches.size(); ++d) {
        laneOf[d].assign(dispatches[d].tasks.size(), -1);
        for (size_t i = 0; i < dispatches[d].tasks.size(); ++i)
            refs.push_back({dispatches[d].tasks[i].releaseMs, d, i});
    }
    std::stable_sort(refs.begin(), refs.end(), [](const TaskRef& a, const TaskRef& b) { return a.releaseMs < b.releaseMs; });
    const int tasks = static_cast<int>(refs.size());
    model.m_lanes = tasks + 1;
    for (int lane = 0; lane < tasks; ++lane) {
        const TaskRef& ref = refs[static_cast<size_t>(lane)];
        laneOf[ref.dispatch][ref.slot] = lane;
        const OnlineDispatch& dispatch = dispatches[ref.dispatch];
        const OnlineTask& task = dispatch.tasks[ref.slot];
        const UserOutcome& outcome = dispatch.plan.users[ref.slot];
        const User& source = scenario.users[static_cast<size_t>(task.user)];
        const double at = dispatch.atMs;
        const double finishMs = at + outcome.finishMs;
        model.m_names.push_back(QStringLiteral("%1 #%2").arg(QString::fromStdString(source.id)).arg(lane + 1));
        model.m_deadlinesMs.push_back(task.deadlineMs);
        model.m_endMs = std::max(model.m_endMs, task.deadlineMs);
        if (std::isfinite(finishMs))
            model.m_endMs = std::max(model.m_endMs, finishMs);
        model.m_segments.push_back({SegmentKind::Pending, lane, task.releaseMs, at, 0, -1, task.releaseMs});
        if (outcome.uploadStartMs > 0)
            model.m_segments.push_back({SegmentKind::Local, lane, at, at + outcome.uploadStartMs, 0, -1, at});
        if (outcome.uploadEndMs > outcome.uploadStartMs)
            model.m_segments.push_back({SegmentKind::Upload, lane, at + outcome.uploadStartMs, at + outcome.uploadEndMs, 0, -1, at});
        LaneEnergy energy;
        for (int n = 0; n < outcome.partition && n < static_cast<int>(source.localEnergyMj.size()); ++n)
            energy.computeMj += source.localEnergyMj[static_cast<size_t>(n)];
        energy.computeStartMs = at;
        energy.computeEndMs = at + outcome.uploadStartMs;
        energy.uploadMj = outcome.energyMj - energy.computeMj;
        energy.uploadStartMs = at + outcome.uploadStartMs;
        energy.uploadEndMs = at + outcome.uploadEndMs;
        for (size_t n = 0; n < source.localEnergyMj.size(); ++n) {
            energy.localOnlyMj += source.localEnergyMj[n];
            energy.localOnlyMs += source.localLatencyMs[n];
        }
        energy.localStartMs = task.releaseMs;
        model.m_energies.push_back(energy);
        LaneFacts facts{task.deadlineMs, finishMs, static_cast<int>(ref.dispatch), outcome.partition, QString::fromStdString(source.deviceClass)};
        facts.late = !std::isfinite(finishMs) || !meetsDeadline(finishMs, task.deadlineMs);
        facts.releaseMs = task.releaseMs;
        facts.dispatchMs = at;
        model.m_lateCount += facts.late;
        model.m_facts.push_back(std::move(facts));
    }
    model.m_names.push_back(QStringLiteral("GPU"));
    // Each dispatch's batches on the GPU, numbered across the episode, and each member's wait
    // for its batch after its upload.
    std::vector<double> lastEndMs(static_cast<size_t>(tasks));
    for (const TaskRef& ref : refs)
        lastEndMs[static_cast<size_t>(laneOf[ref.dispatch][ref.slot])] = dispatches[ref.dispatch].atMs + dispatches[ref.dispatch].plan.users[ref.slot].uploadEndMs;
    for (size_t d = 0; d < dispatches.size(); ++d) {
        const double at = dispatches[d].atMs;
        model.m_stepEventsMs.push_back(at);
        for (const TimedBatch& batch : dispatches[d].plan.batches) {
            const int index = static_cast<int>(model.m_batchSizes.size());
            model.m_batchSizes.push_back(static_cast<int>(batch.users.size()));
            model.m_segments.push_back({SegmentKind::GpuBatch, tasks, at + batch.startMs, at + batch.endMs, batch.subtask, index, at});
            for (int member : batch.users) {
                const int lane = laneOf[d][static_cast<size_t>(member)];
                double& last = lastEndMs[static_cast<size_t>(lane)];
                if (at + batch.startMs > last)
                    model.m_segments.push_back({SegmentKind::Waiting, lane, last, at + batch.startMs, 0, -1, at});
                model.m_segments.push_back({SegmentKind::Edge, lane, at + batch.startMs, at + batch.endMs, batch.subtask, index, at});
                last = at + batch.endMs;
            }
            model.m_endMs = std::max(model.m_endMs, at + batch.endMs);
        }
    }
    model.indexLanes();
    return model;
}

std::pair<double, double> TimelineModel::energyAt(double timeMs) const
{
    double planned = 0, local = 0;
    for (const LaneEnergy& energy : m_energies) {
        planned += energy.planAt(timeMs);
        local += energy.localAt(timeMs);
    }
    return {planned, local};
}

void TimelineModel::indexLanes()
{
    // Counting sort by lane, then by start inside a lane: O(S log S) at most.
    m_laneOffsets.assign(static_cast<size_t>(m_lanes) + 1, 0);
    for (const TimelineSegment& segment : m_segments)
        ++m_laneOffsets[static_cast<size_t>(segment.lane) + 1];
    for (size_t l = 1; l < m_laneOffsets.size(); ++l)
        m_laneOffsets[l] += m_laneOffsets[l - 1];
    m_laneIndex.resize(m_segments.size());
    std::vector<int> fill(m_laneOffsets.begin(), m_laneOffsets.end() - 1);
    for (size_t k = 0; k < m_segments.size(); ++k)
        m_laneIndex[static_cast<size_t>(fill[static_cast<size_t>(m_segments[k].lane)]++)] = static_cast<int>(k);
    for (int lane = 0; lane < m_lanes; ++lane)
        std::stable_sort(m_laneIndex.begin() + m_laneOffsets[static_cast<size_t>(lane)], m_laneIndex.begin() + m_laneOffsets[static_cast<size_t>(lane) + 1],
                         [this](int a, int b) { return m_segments[static_cast<size_t>(a)].startMs < m_segments[static_cast<size_t>(b)].startMs; });
}

std::pair<const int*, const int*> TimelineModel::laneSegments(int lane) const
{
    if (lane < 0 || lane >= m_lanes)
        return {nullptr, nullptr};
    const int* base = m_laneIndex.data();
    return {base + m_laneOffsets[static_cast<size_t>(lane)], base + m_laneOffsets[static_cast<size_t>(lane) + 1]};
}

int TimelineModel::batchSize(int batch) const
{
    return batch >= 0 && batch < static_cast<int>(m_batchSizes.size()) ? m_batchSizes[static_cast<size_t>(batch)] : 0;
}

double TimelineView::legendHeight() const
{
    // The legend and the status line grow with the font (presentation mode uses a large one).
    ensureGeometry();
    return std::max(18.0, m_lineHeight + 4);
}

double TimelineView::axisHeight() const
{
    return 2 * legendHeight() + std::max(22.0, m_lineHeight + 8);
}

double TimelineView::overviewWidth() const
{
    // Lanes fitted to the height are all on screen: the overview would repeat them.
    return m_fitLanes ? 0.0 : kStripWidth;
}

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent), m_scroll(new QScrollBar(Qt::Vertical, this))
{
    setMinimumHeight(120);
    setMouseTracking(true); // hovering a GPU batch links its members
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
    case LaneOrder::User: break;
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
        case LaneOrder::Group: return fact(m).group < 0 ? tr("Computed on the phone alone") : tr("Group (round) %1").arg(fact(m).group);
        case LaneOrder::Partition: return tr("Partition point %1").arg(fact(m).partition);
        case LaneOrder::DeviceClass: return fact(m).deviceClass.isEmpty() ? tr("No device class") : fact(m).deviceClass;
        default: return QString();
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
    m_scroll->setGeometry(width() - scrollWidth, static_cast<int>(lanesTop()), scrollWidth, std::max(0, height() - static_cast<int>(lanesTop())));
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
    return {900, static_cast<int>(axisHeight() + 2 + kLaneHeight + kGpuSeparator + std::min(12, rowCount()) * (kLaneHeight + kLaneGap) + 6)};
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
    } else if (m_followCursor && timeMs >= 0 && m_windowSpanMs > 0 && (timeMs < m_windowStartMs || timeMs > m_windowStartMs + m_windowSpanMs)) {
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
                                                         [](double ms, const LaneFacts& f) { return ms < f.releaseMs; }) - facts.begin()) - 1;
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
        return late == 0 ? QString() : tr("in the episode, %1 of %n task(s) miss their deadline (red)", nullptr, m_model.userCount()).arg(late);
    return late == 0 ? QString() : tr("%1 of %n user(s) late (red)", nullptr, m_model.userCount()).arg(late);
}

void TimelineView::paintEvent(QPaintEvent* event)
{
    ensureGeometry();
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().base());
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(palette().text().color());
    const QString empty = emptyMessage();
    if (!empty.isEmpty()) {
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, empty);
        return;
    }
    paintLegend(painter);
    paintTimeAxis(painter);
    const int firstRow = firstVisibleRow(), lastRow = lastVisibleRow();
    painter.save();
    painter.setClipRect(QRectF(0, lanesTop(), width(), height() - lanesTop()));
    paintRows(painter, firstRow, lastRow);
    painter.restore();
    // The pinned GPU lane, over a line that separates it from the scrolling users.
    painter.setPen(palette().mid().color());
    painter.drawLine(QPointF(0, lanesTop() - kGpuSeparator / 2), QPointF(plotRight(), lanesTop() - kGpuSeparator / 2));
    paintLaneName(painter, m_model.gpuLane(), laneTop(m_model.gpuLane()));
    paintLane(painter, m_model.gpuLane());
    if (m_cursorMs >= 0)
        paintCursorAndMeters(painter, firstRow, lastRow);
    paintOverview(painter);
}

void TimelineView::paintLegend(QPainter& painter)
{
    std::vector<std::pair<QColor, QString>> entries = {
        {palette::localComputing(), tr("computing locally")}, {palette::uploading(), tr("uploading")},
        {palette::waiting(), tr("waiting for GPU")},          {palette::edgeComputing(), tr("on the GPU")},
        {palette::gpuBatch(), tr("GPU batch")},               {palette::linked(), tr("linked batch")},
        {palette::late(), tr("late")},                        {palette::localOnly(), tr("all local (meter)")}};
    if (m_model.isEpisode())
        entries.insert(entries.begin(), {palette::pending(), tr("in the pool")});
    const QFontMetricsF metrics(painter.font());
    // Narrow views pack the entries closer rather than cut the last ones off.
    double needed = 70;
    for (const auto& entry : entries)
        needed += 28 + metrics.horizontalAdvance(entry.second);
    const double spacing = needed <= width() ? 12 : 4;
    double x = 4;
    for (const auto& [colour, text] : entries) {
        const double swatchTop = (legendHeight() - 10) / 2;
        painter.fillRect(QRectF(x, swatchTop, 12, 10), colour);
        painter.setPen(palette().mid().color());
        painter.drawRect(QRectF(x, swatchTop, 12, 10));
        painter.setPen(palette().text().color());
        painter.drawText(QRectF(x + 16, 0, metrics.horizontalAdvance(text) + 4, legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, text);
        x += 16 + metrics.horizontalAdvance(text) + spacing;
    }
    painter.setPen(QPen(palette::deadline(), 2));
    painter.drawLine(QPointF(x + 5, 3), QPointF(x + 5, legendHeight() - 3));
    painter.setPen(palette().text().color());
    painter.drawText(QRectF(x + 12, 0, width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, tr("deadline"));
    // The status line: which plan, how many are late.
    QFont bold = painter.font();
    bold.setBold(true);
    painter.save();
    painter.setFont(bold);
    const QString title = m_title.isEmpty() ? m_model.algorithm() : m_title;
    painter.drawText(QRectF(4, legendHeight(), width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, title);
    const double after = 4 + QFontMetricsF(bold).horizontalAdvance(title) + 14;
    painter.setPen(palette::late());
    painter.drawText(QRectF(after, legendHeight(), width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, lateSummary());
    painter.restore();
}

void TimelineView::paintTimeAxis(QPainter& painter)
{
    // About eight ticks at round values over the window shown.
    const double span = windowSpanMs();
    const double rough = span / 8;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = rough / magnitude < 2 ? 2 * magnitude : rough / magnitude < 5 ? 5 * magnitude : 10 * magnitude;
    const QFontMetricsF metrics(painter.font());
    // Fewer ticks where the labels would touch (a narrow frame): 2, 5, 10, 20, ... times larger.
    const double widest = metrics.horizontalAdvance(QString::number(m_windowStartMs + span, 'f', 0) + " ms") + 10;
    for (int k = 0; k < 6 && xOf(m_windowStartMs + step) - xOf(m_windowStartMs) < widest; ++k) {
        const double leading = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        step *= leading < 1.5 ? 2 : leading < 3 ? 2.5 : 2;
    }
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step))));
    painter.save();
    painter.setPen(palette().text().color());
    painter.drawLine(QPointF(plotLeft(), axisHeight()), QPointF(plotRight(), axisHeight()));
    for (double k = std::ceil(m_windowStartMs / step); k * step <= m_windowStartMs + span + step * 1e-6; ++k) {
        const double t = k * step, x = xOf(t);
        painter.drawLine(QPointF(x, axisHeight() - 4), QPointF(x, axisHeight()));
        const QString label = QString::number(t, 'f', decimals) + " ms";
        const double labelWidth = metrics.horizontalAdvance(label) + 2;
        // Centred on its tick but kept inside the axis, so the first and last labels are whole.
        const double left = std::clamp(x - labelWidth / 2, plotLeft(), plotRight() - labelWidth);
        painter.drawText(QRectF(left, axisHeight() - 6 - metrics.height(), labelWidth, metrics.height() + 2), Qt::AlignCenter, label);
    }
    painter.restore();
}

void TimelineView::paintRows(QPainter& painter, int firstRow, int lastRow)
{
    // Lanes thinner than a pixel: one lane per pixel row is drawn, the rest is the overview's.
    int lastPixelRow = std::numeric_limits<int>::min();
    for (int row = firstRow; row <= lastRow; ++row) {
        const Row& entry = m_rows[static_cast<size_t>(row)];
        const double top = lanesTop() + row * pitch() - m_scroll->value();
        if (pitch() < 1) {
            const int pixelRow = static_cast<int>(top);
            if (pixelRow == lastPixelRow)
                continue;
            lastPixelRow = pixelRow;
        }
        if (entry.user < 0) {
            painter.setPen(palette().mid().color());
            painter.drawLine(QPointF(0, top + pitch() - 1), QPointF(plotRight(), top + pitch() - 1));
            if (laneHeight() >= 10) {
                QFont bold = painter.font();
                bold.setBold(true);
                painter.save();
                painter.setFont(bold);
                painter.setPen(palette().text().color());
                painter.drawText(QRectF(4, top, plotRight() - 4, laneHeight()), Qt::AlignVCenter | Qt::AlignLeft, entry.header);
                painter.restore();
            }
            continue;
        }
        if (revealing() && m_model.facts()[static_cast<size_t>(entry.user)].releaseMs > m_cursorMs)
            continue; // not released yet: the lane appears when the task arrives
        if (m_highlighted.count(entry.user)) {
            // Marked beside the name, not across the lane: a fill over the lane dimmed the
            // segments, the deadlines and a late user's red name (presentation, dark theme).
            QColor marked = palette::linked();
            painter.fillRect(QRectF(0, top, 5, std::max(laneHeight(), 1.0)), marked);
            marked.setAlpha(60);
            painter.fillRect(QRectF(5, top, plotLeft() - 9, std::max(laneHeight(), 1.0)), marked);
        }
        paintLaneName(painter, entry.user, top);
        paintLane(painter, entry.user);
        if (entry.user == m_selectedUser) {
            painter.setPen(QPen(palette::selection(), 2));
            painter.drawRect(QRectF(1, top - 1, plotRight(), std::max(laneHeight(), 1.0) + 2));
        }
    }
}

void TimelineView::paintLaneName(QPainter& painter, int lane, double top)
{
    const double height = lane == m_model.gpuLane() ? gpuHeight() : laneHeight();
    const bool late = lane != m_model.gpuLane() && lateShown(lane);
    if (height < 9) {
        if (late) // too thin for a name: a red tick in the name column still says "late"
            painter.fillRect(QRectF(plotLeft() - 12, top, 8, std::max(height, 1.0)), palette::late());
        return;
    }
    painter.save();
    QFont font = painter.font();
    font.setBold(lane == m_selectedUser || lane == m_model.gpuLane());
    painter.setFont(font);
    painter.setPen(late ? palette::late() : palette().text().color());
    const QString name = m_model.laneNames()[static_cast<size_t>(lane)] + (late ? tr(" (late)") : QString());
    painter.drawText(QRectF(4, top, plotLeft() - 8, height), Qt::AlignVCenter | Qt::AlignLeft, name);
    painter.restore();
}


/// The sub-task's number inside a batch's box: in the lane's font where it fits, else in a
/// smaller one down to 6 pt (batches of 0.5-2 ms), else none.
void TimelineView::drawSubtaskLabel(QPainter& painter, const QRectF& box, int subtask, bool linkedMember) const
{
    if (box.width() < 5)
        return; // no digit fits, in any size worth reading; and font metrics are slow
    const QString text = QString::number(subtask);
    QFont font = painter.font();
    const QFont original = font;
    while (QFontMetricsF(font).horizontalAdvance(text) + 2 > box.width() || QFontMetricsF(font).height() > box.height() + 2) {
        if (font.pointSizeF() <= 6)
            return;
        font.setPointSizeF(std::max(6.0, font.pointSizeF() - 1.5));
    }
    painter.setFont(font);
    painter.setPen(linkedMember ? palette::selection() : QColor(Qt::white));
    painter.drawText(box, Qt::AlignCenter, text);
    painter.setFont(original);
}

void TimelineView::paintLane(QPainter& painter, int lane)
{
    painter.save();
    painter.setClipRect(QRectF(plotLeft(), 0, plotRight() - plotLeft(), height()), Qt::IntersectClip);
    const auto [first, last] = m_model.laneSegments(lane);
    const auto& segments = m_model.segments();
    const int linked = linkedBatch();
    // Segments of one lane do not overlap in time: start at the first that ends in the window.
    const int* from = std::lower_bound(first, last, m_windowStartMs, [&segments](int index, double ms) {
        return segments[static_cast<size_t>(index)].endMs < ms;
    });
    const double windowEndMs = m_windowStartMs + windowSpanMs();
    const bool reveal = revealing();
    for (const int* at = from; at != last; ++at) {
        const TimelineSegment& segment = segments[static_cast<size_t>(*at)];
        if (segment.startMs > windowEndMs)
            break;
        // A playing episode shows what is known at the cursor: a pool wait up to the cursor,
        // a dispatch's plan from the dispatch on, its future paler.
        if (reveal && segment.knownFromMs > m_cursorMs)
            continue;
        QRectF box = segmentRect(segment);
        if (reveal && segment.kind == SegmentKind::Pending && segment.endMs > m_cursorMs)
            box.setRight(std::max(box.left() + 1, xOf(m_cursorMs)));
        const bool planned = reveal && segment.startMs > m_cursorMs;
        if (box.width() <= 1) {
            // Thousands of batches narrower than a pixel: one rectangle per pixel column, then
            // jump to the first segment that reaches the next column. O(columns log S).
            const double nextColumnMs = msAt(std::floor(box.left()) + 1);
            const int* next = std::lower_bound(at + 1, last, nextColumnMs, [&segments](int index, double ms) {
                return segments[static_cast<size_t>(index)].endMs < ms;
            });
            at = next - 1;
        }
        const bool member = linked >= 0 && segment.batch == linked;
        QColor fill = member && segment.kind == SegmentKind::Edge ? palette::linked() : colourOf(segment.kind);
        if (planned)
            fill.setAlpha(120);
        const bool batch = segment.kind == SegmentKind::Edge || segment.kind == SegmentKind::GpuBatch;
        // Back-to-back batches a few pixels wide each keep a one-pixel gap, so that five short
        // batches read as five blocks, not as one.
        painter.fillRect(batch && box.width() >= 3 ? box.adjusted(0, 0, -1, 0) : box, fill);
        if (member && segment.kind == SegmentKind::GpuBatch) {
            painter.setPen(QPen(palette::linked(), 3));
            painter.drawRect(box.adjusted(1, 1, -1, -1));
        }
        if (batch && box.height() >= 10)
            drawSubtaskLabel(painter, box.adjusted(0, 0, -1, 0), segment.subtask, member && segment.kind == SegmentKind::Edge);
    }
    if (lane != m_model.gpuLane()) {
        const LaneFacts& facts = m_model.facts()[static_cast<size_t>(lane)];
        const double top = laneTop(lane), height = std::max(laneHeight(), 1.0);
        if (reveal && facts.releaseMs <= m_cursorMs && m_cursorMs < facts.dispatchMs && facts.deadlineMs > m_cursorMs) {
            // Waiting in the pool: the slack left, from the cursor to the deadline, runs down.
            const double from = xOf(m_cursorMs), to = xOf(facts.deadlineMs);
            painter.setPen(QPen(palette::pending().darker(160), std::max(1.0, std::min(3.0, height / 6)), Qt::DashLine));
            painter.drawLine(QPointF(from, top + height / 2), QPointF(to, top + height / 2));
            const QString slack = tr("%1 ms").arg(facts.deadlineMs - m_cursorMs, 0, 'f', 0);
            const QFontMetricsF metrics(painter.font());
            if (height >= 12 && to - from > metrics.horizontalAdvance(slack) + 8) {
                const QRectF label(from + 3, top, metrics.horizontalAdvance(slack) + 4, height);
                painter.fillRect(label, palette().base());
                painter.setPen(palette().text().color());
                painter.drawText(label, Qt::AlignCenter, slack);
            }
        }
        if (lateShown(lane)) {
            // The time past the deadline, as a red bar over the lane's lower third.
            const double finish = std::isfinite(facts.finishMs) ? facts.finishMs : axisEndMs();
            const double left = xOf(facts.deadlineMs);
            painter.fillRect(QRectF(left, top + height * 2 / 3, std::max(2.0, xOf(finish) - left), std::max(1.0, height / 3)), palette::late());
        }
        painter.setPen(QPen(palette::deadline(), 2));
        const double x = xOf(facts.deadlineMs);
        painter.drawLine(QPointF(x, top - m_laneGap / 2), QPointF(x, top + height + m_laneGap / 2));
    }
    painter.restore();
}

namespace {

/// Computing and uploading energy of a lane by @p timeMs: the plan meter's two parts. O(1).
std::pair<double, double> planPartsAt(const LaneEnergy& energy, double timeMs)
{
    const double computing = energy.computeEndMs <= energy.computeStartMs
                                 ? (timeMs >= energy.computeEndMs ? energy.computeMj : 0.0)
                                 : energy.computeMj * std::clamp((timeMs - energy.computeStartMs) / (energy.computeEndMs - energy.computeStartMs), 0.0, 1.0);
    return {computing, std::max(0.0, energy.planAt(timeMs) - computing)};
}

} // namespace

void TimelineView::paintCursorAndMeters(QPainter& painter, int firstRow, int lastRow)
{
    const double x = xOf(m_cursorMs);
    if (x >= plotLeft() - 1 && x <= plotRight() + 1) {
        painter.setPen(QPen(palette().text().color(), 2));
        painter.drawLine(QPointF(x, axisHeight() - 2), QPointF(x, height()));
    }
    double largest = 1e-12, planTotal = 0, localTotal = 0, planEnd = 0, localEnd = 0;
    for (const LaneEnergy& energy : m_model.energies()) {
        largest = std::max({largest, energy.localOnlyMj, energy.computeMj + energy.uploadMj});
        planTotal += energy.planAt(m_cursorMs);
        localTotal += energy.localAt(m_cursorMs);
        planEnd += energy.computeMj + energy.uploadMj;
        localEnd += energy.localOnlyMj;
    }
    // Per user, below the axis and right of the deadlines: all-local energy so far over the
    // plan's (computing, then uploading) so far.
    const double left = plotRight() + 8, full = kMeterWidth - 12;
    const auto& energies = m_model.energies();
    painter.save();
    painter.setClipRect(QRectF(left, lanesTop(), kMeterWidth, height() - lanesTop()));
    int lastPixelRow = std::numeric_limits<int>::min();
    for (int row = firstRow; row <= lastRow && row < rowCount(); ++row) {
        const int user = m_rows[static_cast<size_t>(row)].user;
        if (user < 0)
            continue;
        const LaneEnergy& energy = energies[static_cast<size_t>(user)];
        const double top = lanesTop() + row * pitch() - m_scroll->value(), half = std::max(0.5, laneHeight() / 2 - 1);
        if (pitch() < 2) {
            // As with the lanes: one meter per pixel row when lanes are thinner than that.
            if (static_cast<int>(top) == lastPixelRow)
                continue;
            lastPixelRow = static_cast<int>(top);
        }
        painter.fillRect(QRectF(left, top, full * energy.localAt(m_cursorMs) / largest, half), palette::localOnly());
        const auto [computing, uploading] = planPartsAt(energy, m_cursorMs);
        painter.fillRect(QRectF(left, top + half + 1, full * computing / largest, half), palette::localComputing());
        painter.fillRect(QRectF(left + full * computing / largest, top + half + 1, full * uploading / largest, half), palette::uploading());
    }
    painter.restore();
    painter.setPen(palette().text().color());
    if (!m_model.isEpisode()) {
        painter.drawText(QRectF(plotLeft(), legendHeight(), width() - plotLeft() - 4, legendHeight()), Qt::AlignRight | Qt::AlignVCenter,
                         tr("t = %1 ms   energy so far: this plan %2 mJ, all local %3 mJ")
                             .arg(m_cursorMs, 0, 'f', 1).arg(planTotal, 0, 'f', 1).arg(localTotal, 0, 'f', 1));
        return;
    }
    // An episode's meters: the whole population's energy so far beside the GPU lane, the
    // episode's (computing and uploading) over all-local, both on the scale of the larger total.
    const double scale = std::max({planEnd, localEnd, 1e-12});
    const double gpuTop = laneTop(m_model.gpuLane()), half = std::max(2.0, gpuHeight() / 2 - 1);
    painter.fillRect(QRectF(left, gpuTop, full, 2 * half + 1), palette().alternateBase());
    painter.fillRect(QRectF(left, gpuTop, full * localTotal / scale, half), palette::localOnly());
    painter.fillRect(QRectF(left, gpuTop + half + 1, full * planTotal / scale, half), palette::edgeComputing());
    int arrived = 0, dispatched = 0, missed = 0;
    for (const LaneFacts& facts : m_model.facts()) {
        arrived += facts.releaseMs <= m_cursorMs;
        dispatched += facts.dispatchMs <= m_cursorMs;
        missed += facts.late && facts.dispatchMs <= m_cursorMs;
    }
    // The longest wording that fits beside the title and the late count (a GIF is often narrow).
    QFont bold = painter.font();
    bold.setBold(true);
    const QString title = m_title.isEmpty() ? m_model.algorithm() : m_title;
    const QFontMetricsF metrics(painter.font());
    // Both the title and the late count are drawn bold (paintLegend).
    const QFontMetricsF boldMetrics(bold);
    const double taken = 4 + boldMetrics.horizontalAdvance(title) + 14 + boldMetrics.horizontalAdvance(lateSummary()) + 14;
    const QString time = tr("t = %1 ms").arg(m_cursorMs, 0, 'f', 1);
    const QString energy = tr("%1 mJ, all local %2 mJ").arg(planTotal, 0, 'f', 1).arg(localTotal, 0, 'f', 1);
    const QStringList wordings = {
        tr("%1   %2 arrived, %3 dispatched, %4 late   energy so far: episode %5").arg(time).arg(arrived).arg(dispatched).arg(missed).arg(energy),
        tr("%1   %2 arrived, %3 late   energy: %4").arg(time).arg(arrived).arg(missed).arg(energy),
        tr("%1   energy: %2").arg(time).arg(energy), time};
    QString status = wordings.back();
    for (const QString& wording : wordings)
        if (metrics.horizontalAdvance(wording) + 4 <= width() - taken) {
            status = wording;
            break;
        }
    painter.drawText(QRectF(plotLeft(), legendHeight(), width() - plotLeft() - 4, legendHeight()), Qt::AlignRight | Qt::AlignVCenter, status);
}

QRectF TimelineView::overviewRect() const
{
    const double left = width() - m_scrollWidth - overviewWidth() - 2;
    return {left, lanesTop(), overviewWidth(), std::max(1.0, height() - lanesTop() - 2)};
}

QRectF TimelineView::overviewWindowRect() const
{
    const QRectF strip = overviewRect();
    const double rows = std::max(1, rowCount());
    const double top = strip.top() + strip.height() * firstVisibleRow() / rows;
    const double bottom = strip.top() + strip.height() * (lastVisibleRow() + 1) / rows;
    return {strip.left() - 1, top, strip.width() + 2, std::max(2.0, bottom - top)};
}

void TimelineView::rebuildOverview() const
{
    // Every lane in a strip of pixels (several lanes share a pixel row past the strip's height).
    // O(segments x strip width).
    m_overviewStale = false;
    const QRectF strip = overviewRect();
    m_overview = QImage(static_cast<int>(strip.width()), static_cast<int>(strip.height()), QImage::Format_RGB32);
    m_overview.fill(palette().base().color());
    const int rows = rowCount();
    if (rows == 0 || axisEndMs() <= 0)
        return;
    const double w = m_overview.width(), h = m_overview.height();
    const auto& segments = m_model.segments();
    for (int row = 0; row < rows; ++row) {
        const int user = m_rows[static_cast<size_t>(row)].user;
        const int y0 = static_cast<int>(h * row / rows);
        const int y1 = std::max(y0 + 1, static_cast<int>(h * (row + 1) / rows));
        auto paintSpan = [&](int x0, int x1, QRgb colour) {
            for (int y = y0; y < std::min(y1, m_overview.height()); ++y) {
                auto* line = reinterpret_cast<QRgb*>(m_overview.scanLine(y));
                for (int x = std::max(0, x0); x < std::min(x1, m_overview.width()); ++x)
                    line[x] = colour;
            }
        };
        if (user < 0) {
            paintSpan(0, m_overview.width(), palette().mid().color().rgb());
            continue;
        }
        const auto [first, last] = m_model.laneSegments(user);
        for (const int* at = first; at != last; ++at) {
            const TimelineSegment& segment = segments[static_cast<size_t>(*at)];
            const int x0 = static_cast<int>(w * segment.startMs / axisEndMs());
            paintSpan(x0, std::max(x0 + 1, static_cast<int>(w * segment.endMs / axisEndMs())), colourOf(segment.kind).rgb());
        }
        if (m_model.facts()[static_cast<size_t>(user)].late)
            paintSpan(m_overview.width() - 3, m_overview.width(), palette::late().rgb());
    }
}

void TimelineView::paintOverview(QPainter& painter)
{
    if (overviewWidth() <= 0)
        return;
    if (m_overviewStale || m_overview.size() != overviewRect().size().toSize())
        rebuildOverview();
    const QRectF strip = overviewRect();
    painter.drawImage(strip.topLeft(), m_overview);
    painter.setPen(QPen(palette::selection(), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(overviewWindowRect());
}

void TimelineView::scrollFromOverview(double y)
{
    const QRectF strip = overviewRect();
    const double share = std::clamp((y - strip.top()) / strip.height(), 0.0, 1.0);
    const int visible = lastVisibleRow() - firstVisibleRow() + 1;
    scrollToRow(static_cast<int>(share * rowCount()) - visible / 2);
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
    const int* from = std::lower_bound(first, last, ms, [&segments](int index, double at) { return segments[static_cast<size_t>(index)].endMs < at; });
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
    static const char* const kinds[] = {"computing locally", "uploading", "waiting for the GPU", "on the GPU", "GPU batch", "waiting in the pool for a dispatch"};
    const double gpuTop = laneTop(m_model.gpuLane());
    if (m_model.isEpisode() && m_cursorMs >= 0 && point.x() > plotRight() + 4 && point.x() < plotRight() + kMeterWidth
        && point.y() >= gpuTop && point.y() < gpuTop + gpuHeight()) {
        const auto [planned, local] = m_model.energyAt(m_cursorMs);
        return tr("Energy so far, every task: the episode %1 mJ (blue) against computing all locally %2 mJ (grey)")
            .arg(planned, 0, 'f', 1).arg(local, 0, 'f', 1);
    }
    const int index = segmentAt(point);
    if (index < 0) {
        const int user = point.y() >= lanesTop() ? userAtRow(rowAt(point.y())) : -1;
        if (user < 0 || !m_model.facts()[static_cast<size_t>(user)].late)
            return {};
        const LaneFacts& facts = m_model.facts()[static_cast<size_t>(user)];
        return tr("%1 is late: finishes at %2 ms, deadline %3 ms").arg(m_model.laneNames()[static_cast<size_t>(user)])
            .arg(facts.finishMs, 0, 'f', 2).arg(facts.deadlineMs, 0, 'f', 2);
    }
    const TimelineSegment& segment = m_model.segments()[static_cast<size_t>(index)];
    QString text = QString("%1: %2, %3 to %4 ms").arg(m_model.laneNames()[static_cast<size_t>(segment.lane)])
                       .arg(kinds[static_cast<int>(segment.kind)]).arg(segment.startMs, 0, 'f', 2).arg(segment.endMs, 0, 'f', 2);
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
    if (overviewWidth() > 0 && overviewRect().adjusted(-2, 0, 2, 0).contains(at)) {
        m_draggingOverview = true;
        scrollFromOverview(at.y());
        return;
    }
    m_dragFromX = at.x();
    m_dragFromStartMs = m_windowStartMs;
    // Clicking a batch, or a user's share of one, links the batch's members.
    const int index = segmentAt(at);
    const TimelineSegment* segment = index >= 0 ? &m_model.segments()[static_cast<size_t>(index)] : nullptr;
    m_selectedBatch = segment && (segment->kind == SegmentKind::GpuBatch || segment->kind == SegmentKind::Edge) ? segment->batch : -1;
    const int user = at.y() >= lanesTop() ? userAtRow(rowAt(at.y())) : -1;
    if (user >= 0) {
        m_selectedUser = user;
        emit userClicked(user);
    }
    update();
}

} // namespace coinfer

#include "moc_timelineview.cpp"
