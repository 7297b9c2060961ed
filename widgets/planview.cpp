#include "widgets/planview.h"

#include "widgets/scheduleplayer.h"
#include "widgets/timelineview.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>

#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <map>
#include <numeric>

namespace coinfer {

PlanView::PlanView(QWidget* parent)
    : QWidget(parent), m_energy(new QCustomPlot(this)), m_partitions(new QCustomPlot(this)), m_timeline(new TimelineView(this))
    , m_compareTimeline(new TimelineView(this)), m_player(new SchedulePlayer(this))
{
    auto* layout = new QVBoxLayout(this);
    // Player controls: Space plays and pauses, [ and ] step between events, Home goes back.
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
    layout->addLayout(controls);
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
    connect(frames, &QPushButton::clicked, this, [this] {
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
        auto* exporter = new FrameExporter(m_timeline->model(), gif && !target.endsWith(".gif") ? target + ".gif" : target, count,
                                           QSize(wh[0].toInt(), wh[1].toInt()), this, fps);
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
    });
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_energy);
    charts->addWidget(m_partitions);
    charts->setSizes({700, 300});
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_timeline);
    scroll->setWidgetResizable(true);
    auto* compareScroll = new QScrollArea(this);
    compareScroll->setWidget(m_compareTimeline);
    compareScroll->setWidgetResizable(true);
    compareScroll->hide();
    m_compareTimeline->setProperty("scroll", QVariant::fromValue<QObject*>(compareScroll));
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(charts);
    split->addWidget(scroll);
    split->addWidget(compareScroll);
    layout->addWidget(split);
    m_energy->yAxis->setLabel(tr("Energy (mJ)"));
    m_energy->legend->setVisible(true);
    m_energy->legend->setFillOrder(QCPLegend::foColumnsFirst);
    m_energy->plotLayout()->addElement(1, 0, m_energy->legend); // below the bars, never over them
    m_energy->plotLayout()->setRowStretchFactor(1, 0.001);
    m_partitions->xAxis->setLabel(tr("Partition point p"));
    m_partitions->yAxis->setLabel(tr("Users"));
    connect(m_timeline, &TimelineView::userClicked, this, &PlanView::userClicked);
    connect(m_energy, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable*, int index, QMouseEvent*) {
        if (index >= 0 && index < m_userCount)
            emit userClicked(index);
    });
}

void PlanView::showPlan(const Scenario& scenario, const Plan& plan)
{
    m_userCount = static_cast<int>(plan.users.size());
    QVector<double> x, compute, upload, local;
    QVector<QString> names;
    std::map<int, int> histogram;
    for (int m = 0; m < m_userCount; ++m) {
        const User& user = scenario.users[static_cast<size_t>(m)];
        const UserOutcome& outcome = plan.users[static_cast<size_t>(m)];
        const double computeMj = std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.begin() + outcome.partition, 0.0);
        x << m;
        compute << computeMj;
        upload << outcome.energyMj - computeMj;
        local << std::accumulate(user.localEnergyMj.begin(), user.localEnergyMj.end(), 0.0);
        names << QString::fromStdString(user.id);
        ++histogram[outcome.partition];
    }
    m_energy->clearPlottables();
    auto* computeBars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    auto* uploadBars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    auto* localBars = new QCPBars(m_energy->xAxis, m_energy->yAxis);
    computeBars->setName(tr("plan: computing"));
    uploadBars->setName(tr("plan: uploading"));
    localBars->setName(tr("local only"));
    computeBars->setBrush(QColor(120, 170, 90));
    uploadBars->setBrush(QColor(230, 160, 60));
    localBars->setBrush(QColor(190, 190, 190));
    uploadBars->moveAbove(computeBars);
    auto* group = new QCPBarsGroup(m_energy);
    computeBars->setBarsGroup(group);
    localBars->setBarsGroup(group);
    computeBars->setData(x, compute);
    uploadBars->setData(x, upload);
    localBars->setData(x, local);
    for (QCPBars* bars : {computeBars, uploadBars, localBars})
        bars->setWidth(0.4);
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    ticker->addTicks(x, names);
    m_energy->xAxis->setTicker(ticker);
    m_energy->xAxis->setTickLabelRotation(m_userCount > 12 ? 60 : 0);
    m_energy->xAxis->setRange(-0.7, m_userCount - 0.3);
    m_energy->rescaleAxes(true);
    m_energy->yAxis->setRangeLower(0);
    m_energy->replot();

    m_partitions->clearPlottables();
    auto* counts = new QCPBars(m_partitions->xAxis, m_partitions->yAxis);
    QVector<double> px, py;
    for (int p = 0; p <= scenario.dnn.subtaskCount(); ++p) {
        px << p;
        py << histogram[p];
    }
    counts->setData(px, py);
    counts->setBrush(QColor(70, 130, 180));
    m_partitions->rescaleAxes();
    m_partitions->xAxis->setRange(-0.7, scenario.dnn.subtaskCount() + 0.7);
    m_partitions->yAxis->setRange(0, std::max(1.0, *std::max_element(py.begin(), py.end())) * 1.15);
    m_partitions->replot();

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
    if (!m_energy->plottableCount())
        return;
    for (int i = 0; i < m_energy->plottableCount(); ++i) {
        auto* bars = qobject_cast<QCPBars*>(m_energy->plottable(i));
        if (!bars)
            continue;
        QCPDataSelection selection;
        if (user >= 0)
            selection.addDataRange(QCPDataRange(user, user + 1));
        bars->setSelection(selection);
    }
    m_energy->replot();
}

} // namespace coinfer
