// TimelineView's painting: the legend, the time axis, the lanes and their segments, the cursor
// with the energy meters, and the overview strip. The rest of the view is timelineview.cpp.
#include "widgets/views/timelineview.h"

#include "widgets/charts/palette.h"
#include "widgets/views/timelinelayout.h"

#include <QBrush>
#include <QColor>
#include <QFlags>
#include <QFont>
#include <QFontMetricsF>
#include <QList>
#include <QPaintEvent>
#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QPen>
#include <QPointF>
#include <QRectF>
#include <QRgb>
#include <QScrollBar>
#include <QSize>
#include <QSizeF>
#include <QString>
#include <QStringList>
#include <Qt>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <set>
#include <utility>
#include <vector>

namespace coinfer {

using namespace timelinelayout;

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

void TimelineView::paintLegendEntries(QPainter& painter)
{
    std::vector<std::pair<QColor, QString>> entries = {{palette::localComputing(), tr("computing locally")},
                                                       {palette::uploading(), tr("uploading")},
                                                       {palette::waiting(), tr("waiting for GPU")},
                                                       {palette::edgeComputing(), tr("on the GPU")},
                                                       {palette::gpuBatch(), tr("GPU batch")},
                                                       {palette::linked(), tr("linked batch")},
                                                       {palette::late(), tr("late")},
                                                       {palette::localOnly(), tr("all local (meter)")}};
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
        painter.drawText(QRectF(x + 16, 0, metrics.horizontalAdvance(text) + 4, legendHeight()), Qt::AlignVCenter | Qt::AlignLeft,
                         text);
        x += 16 + metrics.horizontalAdvance(text) + spacing;
    }
    painter.setPen(QPen(palette::deadline(), 2));
    painter.drawLine(QPointF(x + 5, 3), QPointF(x + 5, legendHeight() - 3));
    painter.setPen(palette().text().color());
    painter.drawText(QRectF(x + 12, 0, width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, tr("deadline"));
}

void TimelineView::paintLegend(QPainter& painter)
{
    if (m_legendShown)
        paintLegendEntries(painter);
    // The status line: which plan, how many are late.
    QFont bold = painter.font();
    bold.setBold(true);
    painter.save();
    painter.setFont(bold);
    const QString title = m_title.isEmpty() ? m_model.algorithm() : m_title;
    painter.drawText(QRectF(4, titleTop(), width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, title);
    const double after = 4 + QFontMetricsF(bold).horizontalAdvance(title) + 14;
    painter.setPen(palette::late());
    const QString late = lateSummary();
    painter.drawText(QRectF(after, titleTop(), width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, late);
    if (const QString idle = idleGpuSummary(); !idle.isEmpty()) {
        const double next = after + (late.isEmpty() ? 0 : QFontMetricsF(bold).horizontalAdvance(late) + 14);
        painter.setPen(palette().text().color());
        painter.setFont(font());
        painter.drawText(QRectF(next, titleTop(), width(), legendHeight()), Qt::AlignVCenter | Qt::AlignLeft, idle);
    }
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
        painter.drawText(QRectF(left, axisHeight() - 6 - metrics.height(), labelWidth, metrics.height() + 2), Qt::AlignCenter,
                         label);
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
            const double cursorX = xOf(m_cursorMs), deadlineX = xOf(facts.deadlineMs);
            painter.setPen(QPen(palette::pending().darker(160), std::max(1.0, std::min(3.0, height / 6)), Qt::DashLine));
            painter.drawLine(QPointF(cursorX, top + height / 2), QPointF(deadlineX, top + height / 2));
            const QString slack = tr("%1 ms").arg(facts.deadlineMs - m_cursorMs, 0, 'f', 0);
            const QFontMetricsF metrics(painter.font());
            if (height >= 12 && deadlineX - cursorX > metrics.horizontalAdvance(slack) + 8) {
                const QRectF label(cursorX + 3, top, metrics.horizontalAdvance(slack) + 4, height);
                painter.fillRect(label, palette().base());
                painter.setPen(palette().text().color());
                painter.drawText(label, Qt::AlignCenter, slack);
            }
        }
        if (lateShown(lane)) {
            // The time past the deadline, as a red bar over the lane's lower third.
            const double finish = std::isfinite(facts.finishMs) ? facts.finishMs : axisEndMs();
            const double left = xOf(facts.deadlineMs);
            painter.fillRect(QRectF(left, top + height * 2 / 3, std::max(2.0, xOf(finish) - left), std::max(1.0, height / 3)),
                             palette::late());
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
    const double computing =
        energy.computeEndMs <= energy.computeStartMs
            ? (timeMs >= energy.computeEndMs ? energy.computeMj : 0.0)
            : energy.computeMj *
                  std::clamp((timeMs - energy.computeStartMs) / (energy.computeEndMs - energy.computeStartMs), 0.0, 1.0);
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
        painter.fillRect(QRectF(left + full * computing / largest, top + half + 1, full * uploading / largest, half),
                         palette::uploading());
    }
    painter.restore();
    painter.setPen(palette().text().color());
    if (!m_model.isEpisode()) {
        painter.drawText(QRectF(plotLeft(), titleTop(), width() - plotLeft() - 4, legendHeight()),
                         Qt::AlignRight | Qt::AlignVCenter,
                         // Named by planner: two plans compared (and their GIF) each say whose energy it is.
                         tr("t = %1 ms   energy so far: %2 %3 mJ, all local %4 mJ")
                             .arg(m_cursorMs, 0, 'f', 1)
                             .arg(m_model.algorithm().isEmpty() ? tr("this plan") : m_model.algorithm())
                             .arg(planTotal, 0, 'f', 1)
                             .arg(localTotal, 0, 'f', 1));
        return;
    }
    paintEpisodeMeters(painter, left, full, {planTotal, localTotal, planEnd, localEnd});
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
    if (!overviewShown())
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

void TimelineView::paintEpisodeMeters(QPainter& painter, double left, double full, const EpisodeEnergy& energySoFar)
{
    const auto [planTotal, localTotal, planEnd, localEnd] = energySoFar;
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
    const QStringList wordings = {tr("%1   %2 arrived, %3 dispatched, %4 late   energy so far: episode %5")
                                      .arg(time)
                                      .arg(arrived)
                                      .arg(dispatched)
                                      .arg(missed)
                                      .arg(energy),
                                  tr("%1   %2 arrived, %3 late   energy: %4").arg(time).arg(arrived).arg(missed).arg(energy),
                                  tr("%1   energy: %2").arg(time).arg(energy), time};
    QString status = wordings.back();
    for (const QString& wording : wordings)
        if (metrics.horizontalAdvance(wording) + 4 <= width() - taken) {
            status = wording;
            break;
        }
    painter.drawText(QRectF(plotLeft(), titleTop(), width() - plotLeft() - 4, legendHeight()), Qt::AlignRight | Qt::AlignVCenter,
                     status);
}

} // namespace coinfer
