#include "widgets/views/planview.h"

#include "widgets/views/animationdialog.h"
#include "widgets/views/plancharts.h"
#include "widgets/views/playercontrols.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelinelayout.h"
#include "widgets/views/timelineview.h"

#include <QComboBox>
#include <QDialog>
#include <QList>
#include <QScrollBar>
#include <QSize>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>
#include <Qt>

namespace coinfer {

PlanView::PlanView(QWidget* parent)
    : QWidget(parent)
    , m_charts(new PlanCharts(this))
    , m_timeline(new TimelineView(this))
    , m_compareTimeline(new TimelineView(this))
    , m_player(new SchedulePlayer(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createPlayerControls());
    layout->addWidget(createChartsAndTimelines());
    connect(m_timeline, &TimelineView::userClicked, this, &PlanView::userClicked);
    connect(m_compareTimeline, &TimelineView::userClicked, this, &PlanView::userClicked);
    linkTimeWindows();
    linkLaneScrolls();
    connect(m_charts, &PlanCharts::userClicked, this, &PlanView::userClicked);
}

QWidget* PlanView::createPlayerControls()
{
    PlayerControlsOptions options;
    options.stepBackText = tr("< Step");
    options.stepForwardText = tr("Step >");
    options.speedFactors = {"0.25x", "0.5x", "1x", "2x", "4x"};
    options.defaultSpeed = "1x";
    options.speedBase = PlayerControlsOptions::SpeedBase::TenSecondsPerTimeline;
    options.fitText = tr("Fit");
    options.fitToolTip = tr("Show the whole plan and the first lanes (Ctrl+0)");
    options.fitShortcut = true;
    options.followToolTip = tr("While playing, keep the time cursor in view");
    options.exportToolTip = tr("Write the animation as a GIF or as PNG frames");
    auto* controls = new PlayerControls(m_player, {m_timeline, m_compareTimeline}, options, this);
    auto* order = new QComboBox(controls);
    order->setObjectName("laneOrder");
    order->setToolTip(tr("Order of the user lanes; the last three group them under headers"));
    for (const QString& name :
         {tr("By user"), tr("By deadline"), tr("By group/round"), tr("By partition point"), tr("By device class")})
        order->addItem(name);
    controls->addPageControl(order);
    connect(order, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_timeline->setLaneOrder(static_cast<LaneOrder>(index));
        m_compareTimeline->setLaneOrder(static_cast<LaneOrder>(index));
        fitTimelineHeights(); // group headers add rows
    });
    connect(controls, &PlayerControls::exportRequested, this, &PlanView::exportAnimation);
    return controls;
}

QWidget* PlanView::createChartsAndTimelines()
{
    // The timelines scroll their lanes themselves (the GPU lane and the axis stay pinned).
    m_compareTimeline->hide();
    m_compareTimeline->setLegendShown(false); // the colours are the first timeline's, just above
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_charts);
    m_split->addWidget(m_timeline);
    m_split->addWidget(m_compareTimeline);
    m_split->setStretchFactor(0, 2);
    m_split->setStretchFactor(1, 3);
    m_split->setStretchFactor(2, 3);
    m_split->setChildrenCollapsible(false);
    return m_split;
}

void PlanView::linkTimeWindows()
{
    auto link = [this](TimelineView* from, TimelineView* to) {
        connect(from, &TimelineView::timeWindowChanged, this, [this, to](double startMs, double spanMs) {
            if (m_syncingWindows || !m_compareTimeline->isVisible())
                return;
            m_syncingWindows = true;
            to->setTimeWindow(startMs, spanMs >= to->axisEndMs() * (1 - 1e-9) ? 0.0 : spanMs);
            m_syncingWindows = false;
        });
    };
    link(m_timeline, m_compareTimeline);
    link(m_compareTimeline, m_timeline);
}

bool PlanView::rowsCorrespond() const
{
    // Sorted by user, deadline or device class, a row holds the same user in both plans; by
    // group or partition point the rows follow each plan's own choices.
    const LaneOrder order = m_timeline->laneOrder();
    return order == LaneOrder::User || order == LaneOrder::Deadline || order == LaneOrder::DeviceClass;
}

void PlanView::linkLaneScrolls()
{
    auto link = [this](TimelineView* from, TimelineView* to) {
        connect(from->verticalScrollBar(), &QScrollBar::valueChanged, this, [this, to](int value) {
            if (m_syncingScrolls || !m_compareTimeline->isVisible() || !rowsCorrespond())
                return;
            m_syncingScrolls = true;
            to->verticalScrollBar()->setValue(value);
            m_syncingScrolls = false;
        });
    };
    link(m_timeline, m_compareTimeline);
    link(m_compareTimeline, m_timeline);
}

void PlanView::exportAnimation()
{
    AnimationDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    exportAnimationAs(dialog.settings());
}

void PlanView::exportAnimationAs(const AnimationSettings& settings)
{
    // Exactly what is on screen: with a plan compared, both timelines, one above the other.
    std::vector<const TimelineView*> shown{m_timeline};
    if (!m_compareTimeline->isHidden())
        shown.push_back(m_compareTimeline);
    exportTimelineAnimation(shown, settings, this, [this](const QString& message) { emit statusMessage(message); });
}

void PlanView::showPlan(const Scenario& scenario, const Plan& plan)
{
    m_charts->showPlan(scenario, plan);
    TimelineModel timeline(scenario, plan);
    m_player->setTimeline(timeline);
    m_timeline->setModel(std::move(timeline));
    fitTimelineHeights();
    if (m_compareTimeline->isVisible()) // the axis stays shared with the plan compared against
        alignAxes();
}

void PlanView::alignAxes()
{
    const double endMs = std::max(m_timeline->model().endMs(), m_compareTimeline->model().endMs());
    m_syncingWindows = true;
    m_timeline->setAxisEndMs(endMs);
    m_compareTimeline->setAxisEndMs(endMs);
    m_syncingWindows = false;
    m_compareTimeline->setTimeWindow(m_timeline->windowStartMs(),
                                     m_timeline->windowSpanMs() >= endMs * (1 - 1e-9) ? 0.0 : m_timeline->windowSpanMs());
}

void PlanView::showComparison(const Scenario& scenario, const Plan* other)
{
    if (!other) {
        m_compareTimeline->hide();
        m_timeline->setTitle({});
        m_timeline->setAxisEndMs(0);
        return;
    }
    m_compareTimeline->setModel(TimelineModel(scenario, *other));
    m_compareTimeline->setLaneOrder(m_timeline->laneOrder());
    fitTimelineHeights();
    // Both name their planner and share one time axis, one cursor and the lanes' scroll.
    m_timeline->setTitle(tr("This plan: %1").arg(m_timeline->model().algorithm()));
    m_compareTimeline->setTitle(tr("Compared with: %1").arg(m_compareTimeline->model().algorithm()));
    m_compareTimeline->setCursorMs(m_timeline->cursorMs());
    const bool wasHidden = !m_compareTimeline->isVisible();
    m_compareTimeline->show();
    alignAxes();
    if (wasHidden && m_split) {
        // Half of the timelines' room each, never one lane tall; room for every lane of both
        // (up to a dozen each) is taken from the charts above, which keep their least height.
        QList<int> sizes = m_split->sizes();
        const int total = sizes[0] + sizes[1] + std::max(sizes[2], 0);
        const int wanted = static_cast<QWidget*>(m_timeline)->sizeHint().height() +
                           static_cast<QWidget*>(m_compareTimeline)->sizeHint().height();
        // Lanes that scroll anyway (more than a dozen) leave the charts a third of the room: at
        // their least height the charts' axis titles were cut.
        const bool lanesScroll =
            std::max(m_timeline->rowCount(), m_compareTimeline->rowCount()) > timelinelayout::kMaxCompactRows;
        const int chartsLeast = lanesScroll ? std::max(std::min(sizes[0], m_charts->minimumSizeHint().height()), total / 3)
                                            : std::min(sizes[0], m_charts->minimumSizeHint().height());
        const int both = std::min(std::max(sizes[1] + std::max(sizes[2], 0), wanted), total - chartsLeast);
        sizes[0] = total - both;
        sizes[1] = both / 2;
        sizes[2] = both - both / 2;
        m_split->setSizes(sizes);
    }
    if (rowsCorrespond()) // opened beside lanes scrolled to a user, it shows the same users
        m_compareTimeline->scrollToRow(m_timeline->firstVisibleRow());
}

void PlanView::fitTimelineHeights()
{
    // Up to a dozen lanes all fit in a timeline's size hint, at full lane height: more would
    // stay empty below the last lane, so the splitter gives it to the charts instead. Longer
    // lists scroll and take whatever room they get.
    for (TimelineView* timeline : {m_timeline, m_compareTimeline})
        timeline->setMaximumHeight(timeline->rowCount() <= timelinelayout::kMaxCompactRows
                                       ? static_cast<QWidget*>(timeline)->sizeHint().height()
                                       : QWIDGETSIZE_MAX);
}

void PlanView::selectUser(int user)
{
    m_timeline->selectUser(user);
    m_compareTimeline->selectUser(user);
    m_charts->selectUser(user);
}

} // namespace coinfer

#include "moc_planview.cpp"

#include <algorithm>
#include <utility>
#include <vector>
