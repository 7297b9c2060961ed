#include "widgets/views/playercontrols.h"

#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QPushButton>
#include <QShortcut>
#include <QSignalBlocker>
#include <QSlider>
#include <Qt>

#include <utility>

namespace coinfer {

namespace {

/// The scrub bar's steps over the player's length.
constexpr int kScrubSteps = 1000;

QPushButton* makeButton(const QString& text, const QString& toolTip, const char* objectName, QWidget* parent)
{
    auto* button = new QPushButton(text, parent);
    button->setObjectName(objectName);
    if (!toolTip.isEmpty())
        button->setToolTip(toolTip);
    return button;
}

} // namespace

PlayerControls::PlayerControls(SchedulePlayer* player, std::vector<TimelineView*> timelines, const PlayerControlsOptions& options,
                               QWidget* parent)
    : QWidget(parent), m_player(player), m_timelines(std::move(timelines)), m_speedBase(options.speedBase)
{
    createWidgets(options);
    createShortcuts(options.fitShortcut);
    connectPlayer();
}

void PlayerControls::createWidgets(const PlayerControlsOptions& options)
{
    m_row = new QHBoxLayout(this);
    m_row->setContentsMargins(0, 0, 0, 0); // the row sits in its page's layout as a bare row of controls
    m_rewind = makeButton(tr("Rewind"), {}, "playerRewind", this);
    m_stepBack = makeButton(options.stepBackText, options.stepBackToolTip, "playerStepBack", this);
    m_play = makeButton(tr("Play"), {}, "playerPlay", this);
    m_stepForward = makeButton(options.stepForwardText, options.stepForwardToolTip, "playerStepForward", this);
    m_speed = new QComboBox(this);
    m_speed->setObjectName("playerSpeed");
    if (!options.speedToolTip.isEmpty())
        m_speed->setToolTip(options.speedToolTip);
    m_speed->addItems(options.speedFactors);
    m_speed->setCurrentText(options.defaultSpeed);
    m_scrub = new QSlider(Qt::Horizontal, this);
    m_scrub->setObjectName("playerScrub");
    m_scrub->setRange(0, kScrubSteps);
    m_scrub->setMinimumWidth(120); // the controls beside it must not squeeze it to a dot
    m_fit = makeButton(options.fitText, options.fitToolTip, "fitTimeline", this);
    m_follow = new QCheckBox(tr("Follow"), this);
    m_follow->setObjectName("followCursor");
    m_follow->setToolTip(options.followToolTip);
    m_follow->setChecked(true);
    m_export = makeButton(tr("Export animation..."), options.exportToolTip, "exportAnimation", this);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_rewind, m_stepBack, m_play, m_stepForward, m_speed})
        m_row->addWidget(widget);
    m_row->addWidget(m_scrub, 1);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_fit, m_follow, m_export})
        m_row->addWidget(widget);
}

void PlayerControls::createShortcuts(bool fitShortcut)
{
    // Window shortcuts whose parent is this row: they act only while the row is shown.
    for (auto [key, action] :
         {std::pair{Qt::Key_Space, &SchedulePlayer::togglePlay}, std::pair{Qt::Key_BracketRight, &SchedulePlayer::stepForward},
          std::pair{Qt::Key_BracketLeft, &SchedulePlayer::stepBackward}, std::pair{Qt::Key_Home, &SchedulePlayer::stop}})
        connect(new QShortcut(QKeySequence(key), this), &QShortcut::activated, m_player, action);
    if (fitShortcut)
        connect(new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_0), this), &QShortcut::activated, this,
                &PlayerControls::fitTimelines);
}

void PlayerControls::connectPlayer()
{
    connect(m_rewind, &QPushButton::clicked, m_player, &SchedulePlayer::stop);
    connect(m_stepBack, &QPushButton::clicked, m_player, &SchedulePlayer::stepBackward);
    connect(m_play, &QPushButton::clicked, m_player, &SchedulePlayer::togglePlay);
    connect(m_stepForward, &QPushButton::clicked, m_player, &SchedulePlayer::stepForward);
    connect(m_player, &SchedulePlayer::stateChanged, this, [this](SchedulePlayer::State state) {
        m_play->setText(state == SchedulePlayer::State::Playing ? tr("Pause") : tr("Play"));
    });
    // One cursor for every timeline, shown or not, so that a rewind moves them all.
    connect(m_player, &SchedulePlayer::timeChanged, this, &PlayerControls::showPlayerTime);
    connect(m_scrub, &QSlider::valueChanged, this,
            [this](int value) { m_player->seek(m_player->endMs() * value / double(kScrubSteps)); });
    connect(m_speed, &QComboBox::currentTextChanged, this, &PlayerControls::applySpeed);
    connect(m_fit, &QPushButton::clicked, this, &PlayerControls::fitTimelines);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        for (TimelineView* timeline : m_timelines)
            timeline->setFollowCursor(on);
    });
    connect(m_export, &QPushButton::clicked, this, &PlayerControls::exportRequested);
}

void PlayerControls::addPageControl(QWidget* control)
{
    m_row->insertWidget(m_row->indexOf(m_fit), control);
}

double PlayerControls::speedMsPerSecond() const
{
    const double factor = m_speed->currentText().chopped(1).toDouble();
    switch (m_speedBase) {
    case PlayerControlsOptions::SpeedBase::RealTime:
        return 1000.0 * factor;
    case PlayerControlsOptions::SpeedBase::TenSecondsPerTimeline:
        break;
    }
    return m_player->endMs() / 10.0 * factor;
}

void PlayerControls::applySpeed()
{
    m_player->setSpeed(speedMsPerSecond());
}

void PlayerControls::showPlayerTime()
{
    const double timeMs = m_player->timeMs();
    for (TimelineView* timeline : m_timelines)
        timeline->setCursorMs(timeMs);
    const QSignalBlocker block(m_scrub);
    m_scrub->setValue(m_player->endMs() > 0 ? static_cast<int>(kScrubSteps * timeMs / m_player->endMs()) : 0);
}

void PlayerControls::fitTimelines()
{
    for (TimelineView* timeline : m_timelines)
        timeline->fitToWindow();
}

} // namespace coinfer

#include "moc_playercontrols.cpp"
