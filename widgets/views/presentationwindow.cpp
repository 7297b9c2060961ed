#include "widgets/views/presentationwindow.h"

#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"

#include <QColor>
#include <QFont>
#include <QKeyEvent>
#include <QLabel>
#include <QPalette>
#include <QVBoxLayout>
#include <Qt>

namespace coinfer {

PresentationWindow::PresentationWindow(const Scenario& scenario, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_scenario(scenario)
    , m_title(new QLabel(this))
    , m_text(new QLabel(this))
    , m_footer(new QLabel(this))
    , m_timeline(new TimelineView(this))
    , m_player(new SchedulePlayer(this))
{
    setWindowTitle(tr("Coinfer presentation"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(40, 30, 40, 20);
    QFont big = font();
    big.setPointSize(28);
    big.setBold(true);
    m_title->setFont(big);
    QFont body = font();
    body.setPointSize(18);
    m_text->setFont(body);
    m_text->setWordWrap(true);
    QFont lanes = font();
    lanes.setPointSize(13);
    m_timeline->setFont(lanes);
    // Lanes grow to fill the screen (and shrink to fit a large population); the view's own
    // legend names the colours.
    m_timeline->setFitLanesToHeight(true);
    connect(m_player, &SchedulePlayer::timeChanged, m_timeline, &TimelineView::setCursorMs);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addWidget(m_timeline, 1);
    layout->addWidget(m_footer);
    setDarkTheme(true);
    // The four plans are made off the GUI thread; the window says so meanwhile.
    m_title->setText(tr("Planning the walkthrough..."));
    connect(&m_planning, &BackgroundJob::finished, this, [this] {
        Expected<Walkthrough> planned = m_planning.takeResult();
        if (!planned) { // out of memory: its steps say what a planner refused, so nothing else
            m_title->setText(tr("Cannot plan the walkthrough: %1").arg(m_planning.errorString()));
            return;
        }
        m_walkthrough = std::move(*planned);
        m_ready = true;
        showStep();
        emit ready();
    });
    m_planning.start([scenario](auto&) -> Expected<Walkthrough> { return Walkthrough(scenario); });
}

PresentationWindow::~PresentationWindow() = default;

void PresentationWindow::setDarkTheme(bool dark)
{
    m_dark = dark;
    QPalette colours = palette();
    colours.setColor(QPalette::Window, dark ? QColor(25, 25, 30) : Qt::white);
    colours.setColor(QPalette::Base, dark ? QColor(25, 25, 30) : Qt::white);
    colours.setColor(QPalette::WindowText, dark ? QColor(235, 235, 235) : Qt::black);
    colours.setColor(QPalette::Text, dark ? QColor(235, 235, 235) : Qt::black);
    setPalette(colours);
    setAutoFillBackground(true);
    m_timeline->setPalette(colours);
    update();
}

void PresentationWindow::showStep()
{
    if (!m_ready)
        return;
    const WalkthroughStep& step = m_walkthrough.step();
    m_title->setText(step.title);
    TimelineModel timeline(m_scenario, step.plan);
    const int late = timeline.lateCount();
    m_text->setText(step.explanation +
                    (step.changed.empty()
                         ? QString()
                         : tr(" Highlighted: the %n user(s) that changed.", nullptr, static_cast<int>(step.changed.size()))) +
                    (late > 0 ? tr(" %1 of %n user(s) miss their deadline (marked red).", nullptr, timeline.userCount()).arg(late)
                     : step.explanation.contains(tr("every deadline is met")) ? QString() // said already
                                                                              : tr(" Every user meets its deadline.")));
    m_player->stop();
    m_player->setTimeline(timeline);
    m_player->setSpeed(m_player->endMs() / 10.0); // the whole schedule in ten seconds
    m_timeline->setModel(std::move(timeline));
    m_timeline->setHighlightedUsers(step.changed);
    // Numbered as the titles are, from 0 ("Step 2 of 0 to 3" read as a typo).
    m_footer->setText(
        tr("Step %1 (steps 0 to %2)   Right/Left: next/previous step   Space: play/pause   Home: rewind   T: light/dark   "
           "Esc or F11: leave")
            .arg(m_walkthrough.current())
            .arg(m_walkthrough.stepCount() - 1));
}

QString PresentationWindow::footerText() const
{
    return m_footer->text();
}

QString PresentationWindow::explanationText() const
{
    return m_text->text();
}

void PresentationWindow::keyPressEvent(QKeyEvent* event)
{
    if (!m_ready && event->key() != Qt::Key_Escape && event->key() != Qt::Key_F11)
        return;
    switch (event->key()) {
    case Qt::Key_Space:
        m_player->togglePlay();
        break;
    case Qt::Key_Home:
        m_player->stop();
        break;
    case Qt::Key_Right:
    case Qt::Key_PageDown:
        if (m_walkthrough.next())
            showStep();
        break;
    case Qt::Key_Left:
    case Qt::Key_PageUp:
        if (m_walkthrough.previous())
            showStep();
        break;
    case Qt::Key_T:
        setDarkTheme(!m_dark);
        break;
    case Qt::Key_Escape:
    case Qt::Key_F11:
        close();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace coinfer

#include "core/util/expected.h"
#include "moc_presentationwindow.cpp"

#include <set>
#include <utility>
