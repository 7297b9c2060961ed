#include "widgets/views/planview.h"

#include "widgets/views/plancharts.h"
#include "widgets/export/frameexporter.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/timelineview.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>


namespace coinfer {

PlanView::PlanView(QWidget* parent)
    : QWidget(parent), m_charts(new PlanCharts(this)), m_timeline(new TimelineView(this))
    , m_compareTimeline(new TimelineView(this)), m_player(new SchedulePlayer(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(createPlayerControls());
    layout->addWidget(createChartsAndTimelines());
    connect(m_timeline, &TimelineView::userClicked, this, &PlanView::userClicked);
    connect(m_charts, &PlanCharts::userClicked, this, &PlanView::userClicked);
}

QLayout* PlanView::createPlayerControls()
{
    // Space plays and pauses, [ and ] step between events, Home goes back.
    auto* controls = new QHBoxLayout;
    auto* play = new QPushButton(tr("Play"), this);
    auto* back = new QPushButton(tr("< Step"), this);
    auto* forward = new QPushButton(tr("Step >"), this);
    auto* rewind = new QPushButton(tr("Rewind"), this);
    auto* speed = new QComboBox(this);
    auto* scrub = new QSlider(Qt::Horizontal, this);
    auto* frames = new QPushButton(tr("Export animation..."), this);
    for (const char* factor : {"0.25x", "0.5x", "1x", "2x", "4x"})
        speed->addItem(factor);
    speed->setCurrentText("1x");
    scrub->setRange(0, 1000);
    for (QWidget* widget : std::initializer_list<QWidget*>{rewind, back, play, forward, speed})
        controls->addWidget(widget);
    controls->addWidget(scrub, 1);
    controls->addWidget(frames);
    new QShortcut(QKeySequence(Qt::Key_Space), this, [this] { m_player->togglePlay(); });
    new QShortcut(QKeySequence(Qt::Key_BracketRight), this, [this] { m_player->stepForward(); });
    new QShortcut(QKeySequence(Qt::Key_BracketLeft), this, [this] { m_player->stepBackward(); });
    new QShortcut(QKeySequence(Qt::Key_Home), this, [this] { m_player->stop(); });
    connect(play, &QPushButton::clicked, m_player, &SchedulePlayer::togglePlay);
    connect(back, &QPushButton::clicked, m_player, &SchedulePlayer::stepBackward);
    connect(forward, &QPushButton::clicked, m_player, &SchedulePlayer::stepForward);
    connect(rewind, &QPushButton::clicked, m_player, &SchedulePlayer::stop);
    connect(m_player, &SchedulePlayer::stateChanged, this, [play](SchedulePlayer::State state) {
        play->setText(state == SchedulePlayer::State::Playing ? tr("Pause") : tr("Play"));
    });
    connect(m_player, &SchedulePlayer::timeChanged, this, [this, scrub](double timeMs) {
        m_timeline->setCursorMs(timeMs);
        if (m_compareTimeline->isVisible())
            m_compareTimeline->setCursorMs(timeMs);
        const QSignalBlocker block(scrub);
        scrub->setValue(m_player->endMs() > 0 ? static_cast<int>(1000 * timeMs / m_player->endMs()) : 0);
    });
    connect(scrub, &QSlider::valueChanged, this, [this](int value) { m_player->seek(m_player->endMs() * value / 1000.0); });
    connect(speed, &QComboBox::currentTextChanged, this, [this](const QString& text) {
        m_player->setSpeed(m_player->endMs() / 10.0 * text.chopped(1).toDouble());
    });
    connect(frames, &QPushButton::clicked, this, &PlanView::exportAnimation);
    return controls;
}

QWidget* PlanView::createChartsAndTimelines()
{
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_timeline);
    scroll->setWidgetResizable(true);
    auto* compareScroll = new QScrollArea(this);
    compareScroll->setWidget(m_compareTimeline);
    compareScroll->setWidgetResizable(true);
    compareScroll->hide();
    m_compareTimeline->setProperty("scroll", QVariant::fromValue<QObject*>(compareScroll));
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_charts);
    split->addWidget(scroll);
    split->addWidget(compareScroll);
    return split;
}

void PlanView::exportAnimation()
{
    bool ok = false;
    const QString kind = QInputDialog::getItem(this, tr("Export animation"), tr("Format"),
                                               {tr("Animated GIF"), tr("Numbered PNG frames")}, 0, false, &ok);
    if (!ok)
        return;
    const int fps = QInputDialog::getInt(this, tr("Export animation"), tr("Frames per second"), 20, 1, 60, 1, &ok);
    if (!ok)
        return;
    const int seconds = QInputDialog::getInt(this, tr("Export animation"), tr("Length (s)"), 10, 1, 600, 1, &ok);
    if (!ok)
        return;
    const QString size = QInputDialog::getItem(this, tr("Export animation"), tr("Size"), {"1280x720", "1920x1080", "960x540", "640x360"}, 0, false, &ok);
    if (!ok)
        return;
    const bool gif = kind == tr("Animated GIF");
    const QString target = gif ? QFileDialog::getSaveFileName(this, tr("Animated GIF"), {}, tr("GIF (*.gif)"))
                               : QFileDialog::getExistingDirectory(this, tr("Folder for the PNG frames"));
    if (target.isEmpty())
        return;
    const QStringList wh = size.split('x');
    const int count = fps * seconds;
    // Rendered a frame at a time while the GUI stays live; Cancel stops between frames.
    auto* exporter = new FrameExporter(timelineAnimation(m_timeline->model()), gif && !target.endsWith(".gif") ? target + ".gif" : target,
                                       count, QSize(wh[0].toInt(), wh[1].toInt()), this, fps);
    auto* dialog = new QProgressDialog(tr("Rendering frames..."), tr("Cancel"), 0, count, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(exporter, &FrameExporter::progress, dialog, &QProgressDialog::setValue);
    connect(dialog, &QProgressDialog::canceled, exporter, &FrameExporter::cancel);
    connect(exporter, &FrameExporter::finished, this, [this, exporter, dialog, target, count](int written) {
        dialog->close();
        exporter->deleteLater();
        QMessageBox::information(this, tr("Export animation"), tr("%1 of %2 frames written to %3").arg(written).arg(count).arg(target));
    });
    dialog->show();
    exporter->start();
}

void PlanView::showPlan(const Scenario& scenario, const Plan& plan)
{
    m_charts->showPlan(scenario, plan);
    TimelineModel timeline(scenario, plan);
    m_player->setTimeline(timeline);
    m_timeline->setModel(std::move(timeline));
}

void PlanView::showComparison(const Scenario& scenario, const Plan* other)
{
    auto* scroll = qobject_cast<QWidget*>(m_compareTimeline->property("scroll").value<QObject*>());
    if (!other) {
        scroll->hide();
        m_timeline->setTimeWindow(0, 0);
        return;
    }
    m_compareTimeline->setModel(TimelineModel(scenario, *other));
    // One time axis for both, so the two schedules can be read against each other.
    const double span = std::max(m_timeline->model().endMs(), m_compareTimeline->model().endMs());
    m_timeline->setTimeWindow(0, span);
    m_compareTimeline->setTimeWindow(0, span);
    scroll->show();
}

void PlanView::selectUser(int user)
{
    m_timeline->selectUser(user);
    m_compareTimeline->selectUser(user);
    m_charts->selectUser(user);
}

} // namespace coinfer

#include "moc_planview.cpp"
