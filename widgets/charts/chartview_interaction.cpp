// The chart on screen as the user handles it: pan and zoom kept near the data, a click on a
// point or a legend entry, the hover text, and the mark of the chosen key. Member functions of
// ChartView; its construction, series, notes and files are in chartview.cpp.

#include "widgets/charts/chartview.h"

#include "widgets/charts/chartview_plot.h"
#include "widgets/charts/palette.h"

#include <QColor>
#include <QEnterEvent>
#include <QEvent>
#include <QFlags>
#include <QKeyEvent>
#include <QList>
#include <QMouseEvent>
#include <QObject>
#include <QPen>
#include <QPoint>
#include <QPointF>
#include <QRect>
#include <QSharedPointer>
#include <QString>
#include <QToolTip>
#include <QVariant>
#include <QWidget>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace coinfer {

using chartdetail::axisOf;
using chartdetail::barsOf;
using chartdetail::kAllAxes;
using chartdetail::legendItems;

void ChartView::setUpInteraction()
{
    setFocusPolicy(Qt::ClickFocus);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDragAxes(QList<QCPAxis*>{m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2});
    m_plot->axisRect()->setRangeZoomAxes(QList<QCPAxis*>{m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2});
    m_plot->selectionRect()->setPen(QPen(palette::selection(), 1, Qt::DashLine));
    // The library decides between a box and a pan when the button goes down: Ctrl picks the box.
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
        m_plot->setSelectionRectMode(event->modifiers() & Qt::ControlModifier ? QCP::srmZoom : QCP::srmNone);
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { fitView(); });
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) { m_pressedAt = event->position().toPoint(); });
    connect(m_plot, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
        if (event->button() != Qt::LeftButton || (event->position().toPoint() - m_pressedAt).manhattanLength() > 4)
            return;
        if (const auto point = linePointAt(m_plot->mapTo(this, event->position().toPoint())))
            emit linePointClicked(point->first, point->second);
    });
    for (ChartAxis axis : kAllAxes)
        connect(axisOf(m_plot, axis), qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this, axis](const QCPRange& range) { limitRange(axis, range); });
    connect(m_plot, &QCustomPlot::legendClick, this, [this](QCPLegend* legend, QCPAbstractLegendItem* item, QMouseEvent*) {
        const int entry = static_cast<int>(legendItems(legend).indexOf(item));
        if (item && entry >= 0)
            toggleLegendEntry(entry);
    });
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (event->buttons() != Qt::NoButton)
            return;
        const QString text = hoverText(m_plot->mapTo(this, event->position().toPoint()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    });
}

void ChartView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Home || event->key() == Qt::Key_F) {
        fitView();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ChartView::enterEvent(QEnterEvent* event)
{
    m_pointerInside = true;
    QWidget::enterEvent(event);
}

void ChartView::leaveEvent(QEvent* event)
{
    m_pointerInside = false;
    QWidget::leaveEvent(event);
    emit pointerLeft();
}

std::optional<std::pair<int, int>> ChartView::linePointAt(QPoint position) const
{
    constexpr double kReachPx = 8;
    const QPointF at(m_plot->mapFrom(this, position));
    std::optional<std::pair<int, int>> nearest;
    double nearestPx = kReachPx;
    for (int line = 0; line < m_plot->graphCount(); ++line) {
        const QCPGraph* graph = m_plot->graph(line);
        if (!graph->visible() || graph->property("band").toBool())
            continue;
        int index = 0;
        for (auto point = graph->data()->constBegin(); point != graph->data()->constEnd(); ++point, ++index) {
            const QPointF pixel = graph->coordsToPixels(point->key, point->value);
            const double distancePx = std::hypot(pixel.x() - at.x(), pixel.y() - at.y());
            if (distancePx <= nearestPx) {
                nearestPx = distancePx;
                nearest = std::make_pair(line, index);
            }
        }
    }
    return nearest;
}

QPoint ChartView::linePointPosition(int line, int index) const
{
    const QCPGraph* graph = m_plot->graph(line);
    const auto point = graph->data()->at(index);
    return m_plot->mapTo(this, graph->coordsToPixels(point->key, point->value).toPoint());
}

void ChartView::highlightBars(int index)
{
    const QList<QCPBars*> bars = barsOf(m_plot);
    if (bars.isEmpty())
        return;
    if (index < 0 || index >= bars.front()->dataCount()) {
        clearMark();
        return;
    }
    const QCPBars* first = bars.front();
    // A group's bars stand side by side around the key: the mark spans all of them. Bars
    // stacked on a bar of the group are members too but take no slot of their own, so only
    // the bars at the bottom of a stack count: counting every member made the mark reach
    // into the next key's bars.
    double width = first->width();
    if (const QCPBarsGroup* group = first->barsGroup()) {
        const QList<QCPBars*> members = group->bars();
        const auto baseBars = std::count_if(members.begin(), members.end(), [](const QCPBars* bar) { return !bar->barBelow(); });
        width *= static_cast<double>(std::max<qsizetype>(1, baseBars));
    }
    markKey(first->data()->at(index)->key, width * 1.1);
}

void ChartView::markKey(double key, double widthInKeys)
{
    if (!m_mark) {
        m_mark = new QCPItemRect(m_plot);
        m_mark->setLayer(QStringLiteral("axes")); // above the bars and lines
        m_mark->setPen(QPen(palette::selection(), 2));
        m_mark->setBrush(Qt::NoBrush);
        m_mark->setSelectable(false);
        for (QCPItemPosition* corner : {m_mark->topLeft, m_mark->bottomRight}) {
            corner->setTypeX(QCPItemPosition::ptPlotCoords);
            corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
    }
    m_mark->topLeft->setCoords(key - widthInKeys / 2, 0);
    m_mark->bottomRight->setCoords(key + widthInKeys / 2, 1);
    m_markedKey = key;
    draw();
}

void ChartView::clearMark()
{
    if (m_mark) {
        m_plot->removeItem(m_mark);
        m_mark = nullptr;
    }
    m_markedKey.reset();
    draw();
}

std::optional<double> ChartView::markedKey() const
{
    return m_markedKey;
}

int ChartView::legendEntryCount() const
{
    return static_cast<int>(legendItems(m_plot->legend).size());
}

void ChartView::toggleLegendEntry(int entry)
{
    auto* item = qobject_cast<QCPPlottableLegendItem*>(legendItems(m_plot->legend).value(entry));
    if (!item)
        return;
    QCPAbstractPlottable* series = item->plottable();
    series->setVisible(!series->visible());
    item->setTextColor(series->visible() ? Qt::black : QColor(160, 160, 160));
    draw();
}

bool ChartView::legendEntryShown(int entry) const
{
    auto* item = qobject_cast<QCPPlottableLegendItem*>(legendItems(m_plot->legend).value(entry));
    return item && item->plottable()->visible();
}

QRect ChartView::legendEntryRect(int entry) const
{
    const QCPAbstractLegendItem* item = legendItems(m_plot->legend).value(entry);
    return item ? item->outerRect().translated(m_plot->pos()) : QRect();
}

void ChartView::rememberView()
{
    for (ChartAxis axis : kAllAxes)
        m_homeRanges[axis] = axisRange(axis);
}

void ChartView::limitRange(ChartAxis axis, const QCPRange& range)
{
    // Zoom and pan stay near the data: 30 wheel notches once shrank a whole chart to a line.
    const auto home = m_homeRanges.find(axis);
    if (m_settingRanges || home == m_homeRanges.end())
        return; // the program sets the ranges it means
    const double homeSpan = home->second.second - home->second.first;
    if (!(homeSpan > 0))
        return;
    const double span = std::clamp(range.size(), homeSpan * kLeastZoomShare, homeSpan * kMostZoomOut);
    const double extentLower = home->second.first - kPanMargin * homeSpan,
                 extentUpper = home->second.second + kPanMargin * homeSpan;
    const double centre = span >= extentUpper - extentLower
                              ? (home->second.first + home->second.second) / 2
                              : std::clamp(range.center(), extentLower + span / 2, extentUpper - span / 2);
    if (span != range.size() || centre != range.center())
        axisOf(m_plot, axis)->setRange(centre - span / 2, centre + span / 2);
}

void ChartView::fitView()
{
    for (const auto& [axis, range] : m_homeRanges)
        setAxisRange(axis, range.first, range.second);
    draw();
}

QString ChartView::hoverText(QPoint position) const
{
    int index = -1;
    QCPAbstractPlottable* series = m_plot->plottableAt(QPointF(m_plot->mapFrom(this, position)), false, &index);
    if (!series || !series->visible() || index < 0 || !series->interface1D())
        return {};
    QCPPlottableInterface1D* points = series->interface1D();
    if (index >= points->dataCount())
        return {};
    const double key = points->dataMainKey(index), value = points->dataMainValue(index);
    const auto label = m_keyLabels.find(key);
    const QString keyText = label != m_keyLabels.end() ? label->second : QString::number(key, 'g', 6);
    // "series, key" on the first line, "value axis: value" on the second.
    const QString name = series->name().isEmpty() ? QString() : series->name() + QStringLiteral(", ");
    const QString axis = series->valueAxis()->label();
    return QStringLiteral("%1%2\n%3%4")
        .arg(name, keyText, axis.isEmpty() ? QString() : axis + QStringLiteral(": "), QString::number(value, 'g', 6));
}

} // namespace coinfer
