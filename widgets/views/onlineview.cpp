#include "widgets/views/onlineview.h"

#include "widgets/charts/chartview.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/playercontrols.h"
#include "widgets/views/scheduleplayer.h"

#include <QColor>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLatin1Char>
#include <QLineEdit>
#include <QMessageBox>
#include <QPen>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>
#include <QVector>
#include <Qt>

namespace coinfer {

OnlineView::OnlineView(ScenarioDocument* document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_planner(new QComboBox(this))
    , m_policy(new QComboBox(this))
    , m_threshold(new QDoubleSpinBox(this))
    , m_trainButton(new QPushButton(tr("Train DDPG..."), this))
    , m_useFixedRule(new QPushButton(this))
    , m_summary(new QLabel(this))
    , m_staleBanner(new QLabel(this))
    , m_episode(new ChartView(this))
    , m_training(new ChartView(this))
    , m_timeline(new TimelineView(this))
    , m_player(new SchedulePlayer(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(createControls());
    m_staleBanner->setObjectName("onlineStaleBanner");
    m_staleBanner->setWordWrap(true);
    m_staleBanner->setStyleSheet("QLabel { background: #fff3cd; color: #5c4400; border: 1px solid #e0c060; padding: 6px; }");
    m_staleBanner->hide();
    layout->addWidget(m_staleBanner);
    m_summary->setWordWrap(true);
    m_summary->setAlignment(Qt::AlignLeft | Qt::AlignTop); // without charts it would float mid-page
    layout->addWidget(m_summary);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_episode);
    split->addWidget(m_watch = createWatch());
    split->addWidget(m_training);
    // The episode watched task by task gets most of the page; the charts stay readable above and below.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 4);
    split->setStretchFactor(2, 1);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    m_charts = split;
    setUpCharts();
    connect(m_document, &ScenarioDocument::scenarioReset, this, &OnlineView::updateAvailability);
    connect(m_document, &ScenarioDocument::replaced, this, &OnlineView::forgetResults);
    connect(m_document, &ScenarioDocument::edited, this, &OnlineView::refreshStaleBanner);
    updateAvailability();
    connect(&m_episodeJob, &BackgroundJob::finished, this, [this] {
        Expected<EpisodeRun> run = m_episodeJob.takeResult();
        if (!run) {
            m_summary->setText(tr("The episode failed: %1").arg(m_episodeJob.errorString()));
            return;
        }
        showTimeline(std::move(run->timeline));
        showEpisode(run->result, run->record);
    });
    m_trainingJob.setUpdateHandler([this](const EpisodeReport& report) { addTrainingPoint(report); });
    connect(&m_trainingJob, &BackgroundJob::finished, this, &OnlineView::showTrainingDone);
}

QLayout* OnlineView::createControls()
{
    auto* controls = new QHBoxLayout;
    m_planner->addItems({"og", "ip-ssa"});
    m_planner->setItemData(1, ipSsaNote(), Qt::ToolTipRole);
    m_policy->addItems({tr("threshold"), tr("immediate"), tr("trained DDPG")});
    m_threshold->setRange(0, 1);
    m_threshold->setSingleStep(0.05);
    m_threshold->setValue(0.3);
    auto* run = m_runButton = new QPushButton(tr("Run episode"), this);
    for (QWidget* widget :
         std::initializer_list<QWidget*>{new QLabel(tr("Planner"), this), m_planner, new QLabel(tr("Policy"), this), m_policy,
                                         m_threshold, run, m_trainButton, m_useFixedRule})
        controls->addWidget(widget);
    m_useFixedRule->hide();
    m_useFixedRule->setToolTip(tr("The trained policy lost to this fixed threshold on the evaluation traces: run it instead"));
    connect(m_useFixedRule, &QPushButton::clicked, this, [this] {
        if (m_trained)
            m_planner->setCurrentIndex(m_trained->planner == OnlinePlanner::Og ? 0 : 1);
        m_policy->setCurrentIndex(0);
        m_threshold->setValue(m_fixedThreshold);
    });
    controls->addStretch(1);
    connect(run, &QPushButton::clicked, this, &OnlineView::runEpisode);
    // The threshold is the threshold policy's alone.
    connect(m_policy, &QComboBox::currentIndexChanged, this, &OnlineView::updateAvailability);
    connect(m_trainButton, &QPushButton::clicked, this, &OnlineView::trainOrStop);
    return controls;
}

QWidget* OnlineView::createWatch()
{
    // The plan page's player, stepping between dispatches and playing against real time.
    auto* watch = new QWidget(this);
    auto* layout = new QVBoxLayout(watch);
    layout->setContentsMargins(0, 0, 0, 0);
    PlayerControlsOptions options;
    options.stepBackText = tr("< Dispatch");
    options.stepBackToolTip = tr("Back to the previous dispatch ([)");
    options.stepForwardText = tr("Dispatch >");
    options.stepForwardToolTip = tr("On to the next dispatch (])");
    options.speedFactors = {"0.02x", "0.05x", "0.1x", "0.25x", "0.5x", "1x"};
    options.defaultSpeed = "0.1x";
    options.speedToolTip = tr("Playing speed against real time");
    options.speedBase = PlayerControlsOptions::SpeedBase::RealTime;
    options.fitText = tr("Whole episode");
    options.fitToolTip = tr("Show the whole episode and the first lanes; Ctrl+wheel zooms back in");
    options.followToolTip = tr("While playing, glide with the time cursor and keep the newest arrival in view");
    options.exportToolTip = tr("Write the episode's animation as a GIF or as PNG frames");
    m_playerControls = new PlayerControls(m_player, {m_timeline}, options, watch);
    layout->addWidget(m_playerControls);
    layout->addWidget(m_timeline, 1);
    connect(m_playerControls, &PlayerControls::exportRequested, this, &OnlineView::exportAnimation);
    return watch;
}

void OnlineView::showTimeline(TimelineModel timeline)
{
    // Zoomed to about two and a half of the longest relative deadlines, so that each task's
    // wait, plan and deadline are a readable width; the window glides with the cursor.
    double longestMs = 0;
    for (const LaneFacts& facts : timeline.facts())
        longestMs = std::max(longestMs, facts.deadlineMs - facts.releaseMs);
    m_player->setTimeline(timeline);
    m_playerControls->applySpeed();
    m_timeline->setModel(std::move(timeline));
    if (longestMs > 0)
        m_timeline->setTimeWindow(0, 2.5 * longestMs);
    m_playerControls->showPlayerTime();
}

void OnlineView::exportAnimation()
{
    AnimationDialog dialog(this);
    AnimationSettings settings = dialog.settings();
    settings.lanes = AnimationLanes::OnScreen; // an episode's hundreds of lanes are unreadable scaled to one frame
    dialog.setSettings(settings);
    if (dialog.exec() != QDialog::Accepted)
        return;
    exportAnimationAs(dialog.settings());
}

void OnlineView::exportAnimationAs(const AnimationSettings& settings)
{
    exportTimelineAnimation(*m_timeline, settings, this, [this](const QString& message) { emit statusMessage(message); });
}

bool OnlineView::hasOnlineBlock() const
{
    return m_document->scenario().online.present;
}

void OnlineView::updateAvailability()
{
    const bool online = hasOnlineBlock();
    for (QWidget* control : std::initializer_list<QWidget*>{m_planner, m_policy, m_threshold, m_runButton})
        control->setEnabled(online);
    if (!isBusy())
        m_trainButton->setEnabled(online);
    m_threshold->setEnabled(online && m_policy->currentIndex() == 0);
    if (!online)
        m_summary->setText(
            tr("This scenario has no \"online\" block (task arrivals, slot length, horizon), so there is no online "
               "episode to run. Open a scenario with one, e.g. examples/online.json."));
    else if (m_summary->text().startsWith(tr("This scenario has no")))
        m_summary->clear();
    updateShownParts();
}

void OnlineView::updateShownParts()
{
    const bool online = hasOnlineBlock();
    m_charts->setVisible(online && (m_hasEpisode || m_hasTraining));
    m_episode->setVisible(m_hasEpisode);
    m_watch->setVisible(m_hasEpisode);
    m_training->setVisible(m_hasTraining);
    if (online && !m_hasEpisode && !m_hasTraining && !isBusy())
        m_summary->setText(
            tr("No episode yet: choose a planner and a dispatch policy, then press Run episode (Train DDPG... first "
               "learns a policy to choose)."));
}

void OnlineView::refreshStaleBanner()
{
    const bool episode = m_hasEpisode && m_episodeRevision != m_document->revision();
    const bool training = m_hasTraining && m_trainingRevision != m_document->revision();
    if (episode)
        m_staleBanner->setText(
            tr("Stale: the episode below was run on the scenario before your last edit; press Run episode to run it again."));
    else if (training)
        m_staleBanner->setText(
            tr("Stale: the training below was run on the scenario before your last edit; train again for this one."));
    m_staleBanner->setVisible(episode || training);
}

void OnlineView::forgetResults()
{
    if (isBusy())
        return; // what is running ends on the old scenario and is marked stale when it arrives
    m_hasEpisode = m_hasTraining = false;
    m_trained.reset();
    m_useFixedRule->hide();
    m_training->clearLine(0);
    m_staleBanner->hide();
    m_summary->clear();
    updateShownParts();
}

void OnlineView::setUpCharts()
{
    m_episode->setAxisLabel(ChartAxis::Bottom, tr("Time (ms)"));
    m_episode->setAxisLabel(ChartAxis::Left, tr("Tasks"));
    m_episode->setLegend(LegendPlacement::Below);
    m_episode->setMinimumHeight(170); // the task counts' axis stays readable beside the tall timeline
    m_training->setAxisLabel(ChartAxis::Bottom, tr("Training episode"));
    m_training->setAxisLabel(ChartAxis::Left, tr("mJ/task"));
    m_training->addLine({.name = tr("DDPG"), .pen = QPen(QColor(70, 130, 180), 2), .marker = PointMarker::Disc, .markerSize = 5});
}

void OnlineView::trainOrStop()
{
    if (m_trainingJob.isRunning()) {
        cancelTraining();
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Train DDPG"));
    auto* form = new QFormLayout(&dialog);
    auto* episodes = new QSpinBox(&dialog);
    episodes->setRange(1, 10000);
    episodes->setSingleStep(10);
    episodes->setValue(TrainingOptions{}.episodes);
    auto* hidden = new QLineEdit(QString::fromStdString(hiddenLayersText(DdpgConfig{}.hidden)), &dialog);
    hidden->setToolTip(
        tr("Units in each hidden layer of the actor and of the critic: 1 to 4 sizes from 1 to 4096, e.g. 256,128"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    form->addRow(tr("Episodes"), episodes);
    form->addRow(tr("Hidden layers"), hidden);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        if (parseHiddenLayers(hidden->text().toStdString()))
            dialog.accept();
        else
            QMessageBox::warning(&dialog, tr("Train DDPG"),
                                 tr("Hidden layers: 1 to 4 sizes from 1 to 4096, separated by commas (e.g. 256,128)"));
    });
    if (dialog.exec() == QDialog::Accepted)
        train(episodes->value(), *parseHiddenLayers(hidden->text().toStdString()));
}

void OnlineView::showTrainingDone()
{
    m_trainButton->setText(tr("Train DDPG..."));
    // A training stopped before its first episode ended hands over no policy.
    if (Expected<JudgedPolicy> judged = m_trainingJob.takeResult()) {
        m_trained = std::move(judged->policy);
        const TrainingVerdict& verdict = judged->verdict;
        const QString done = tr("Training done: the best policy came from episode %1 (%2 mJ per task, %3 misses on the "
                                "evaluation traces). ")
                                 .arg(m_trained->episodes)
                                 .arg(m_trained->evaluationEnergyPerTaskMj, 0, 'f', 3)
                                 .arg(m_trained->evaluationMisses);
        if (verdict.policyLoses()) {
            // Training can end worse than a constant rule; the page says so and offers the rule.
            m_fixedThreshold = verdict.fixedRule.threshold;
            const QString rule = tr("Use threshold %1").arg(m_fixedThreshold, 0, 'f', 2);
            m_useFixedRule->setText(rule);
            m_useFixedRule->show();
            m_summary->setText(
                done +
                QString::fromStdString(verdict.warning(
                    tr("press \"%1\" (policy \"threshold\", %2)").arg(rule).arg(m_fixedThreshold, 0, 'f', 2).toStdString())));
        } else {
            m_summary->setText(done + tr("It uses %1% less energy per task than the best fixed threshold %2 on the same "
                                         "traces. Choose \"trained DDPG\" and run an episode to watch it.")
                                          .arg(-verdict.excessPercent(), 0, 'f', 2)
                                          .arg(verdict.fixedRule.threshold, 0, 'f', 2));
        }
    }
    if (m_trained && m_trained->planner == OnlinePlanner::IpSsa)
        m_summary->setText(m_summary->text() + QLatin1Char(' ') + ipSsaNote());
    emit trainingFinished();
}

QString OnlineView::ipSsaNote()
{
    return tr("With IP-SSA, waiting is worth little: each dispatch plans the pool as one round that ends at its earliest "
              "deadline, so a fuller pool tightens every task's deadline; on the bursty example the best fixed threshold is "
              "only 2.3% below dispatching at once (13.4% with OG), and IP-SSA's fixed threshold is usually as good as "
              "a trained agent (docs/online.md).");
}

// The jobs ask their workers to stop (training after its current episode); the workers hold
// their own copies, so nothing waits for them.
OnlineView::~OnlineView() = default;

OnlinePlanner OnlineView::planner() const
{
    return m_planner->currentText() == "og" ? OnlinePlanner::Og : OnlinePlanner::IpSsa;
}

bool OnlineView::isBusy() const
{
    return m_episodeJob.isRunning() || m_trainingJob.isRunning();
}

void OnlineView::runEpisode()
{
    const Scenario& scenario = m_document->scenario();
    if (!scenario.online.present) {
        m_summary->setText(
            tr("This scenario has no \"online\" block (arrivals, slot length, horizon); see examples/online.json."));
        return;
    }
    if (m_episodeJob.isRunning())
        return;
    DispatchPolicy policy = m_policy->currentIndex() == 1 ? immediatePolicy() : thresholdPolicy(m_threshold->value());
    if (m_policy->currentIndex() == 2) {
        if (!m_trained) {
            m_summary->setText(tr("Train a DDPG policy first."));
            return;
        }
        policy = ddpgDispatchPolicy(m_trained->actor);
    }
    const OnlinePlanner chosen = planner();
    m_player->pause();
    m_runRevision = m_document->revision();
    m_episodeJob.start([scenario, chosen, policy](auto&) -> Expected<EpisodeRun> {
        EpisodeRun run;
        run.result = coinfer::runEpisode(scenario, chosen, makeArrivalTrace(scenario, scenario.online.seed), policy, &run.record);
        run.timeline = TimelineModel::fromEpisode(scenario, run.record.dispatches);
        return run;
    });
}

void OnlineView::showEpisode(const OnlineResult& result, const OnlineRecord& record)
{
    QVector<double> time, pool, arrivals;
    for (size_t i = 0; i < record.slotStartMs.size(); ++i) {
        time << record.slotStartMs[i];
        pool << record.poolSize[i];
        arrivals << record.arrivals[i];
    }
    QVector<double> dispatchTimes, dispatchLevel;
    for (double ms : record.dispatchMs) {
        dispatchTimes << ms;
        dispatchLevel << -0.5;
    }
    m_episode->clear();
    m_episode->addLine(
        {.name = tr("waiting tasks"), .x = time, .y = pool, .pen = QPen(QColor(230, 160, 60), 1.5), .join = LineJoin::StepLeft});
    m_episode->addBars({.name = tr("arrivals per slot"),
                        .x = time,
                        .y = arrivals,
                        .fill = QColor(120, 170, 90),
                        .outlined = false,
                        .width = m_document->scenario().online.slotMs * 0.8});
    // Markers only, just under the axis: one triangle per dispatch.
    m_episode->addLine({.name = tr("dispatches"),
                        .x = dispatchTimes,
                        .y = dispatchLevel,
                        .pen = QPen(QColor(70, 130, 180)),
                        .join = LineJoin::None,
                        .marker = PointMarker::Triangle,
                        .markerSize = 6,
                        .markerColour = QColor(70, 130, 180)});
    m_episode->fitAxesToData();
    m_episode->setAxisLower(ChartAxis::Left, -1);
    m_episode->replot();
    m_summary->setText(tr("%1 tasks, %2 dispatches: %3 mJ per task, %4 deadline misses, mean batch %5, GPU busy %6%, %7% saved "
                          "against local computing.")
                           .arg(result.tasks)
                           .arg(result.dispatches)
                           .arg(result.energyPerTaskMj(), 0, 'f', 3)
                           .arg(result.misses)
                           .arg(result.meanBatchSize(), 0, 'f', 2)
                           .arg(100 * result.gpuUtilisation(), 0, 'f', 1)
                           .arg(result.savingPercent(), 0, 'f', 1));
    m_hasEpisode = true;
    m_episodeRevision = m_runRevision;
    refreshStaleBanner();
    updateShownParts();
    emit episodeShown();
}

void OnlineView::train(int episodes, std::vector<int> hidden)
{
    const Scenario scenario = m_document->scenario();
    if (m_trainingJob.isRunning())
        return;
    if (!scenario.online.present) {
        m_summary->setText(tr("This scenario has no \"online\" block; see examples/online.json."));
        return;
    }
    m_training->clearLine(0);
    m_hasTraining = true;
    m_trainingRevision = m_document->revision();
    refreshStaleBanner();
    updateShownParts();
    m_trained.reset();
    m_useFixedRule->hide();
    m_trainButton->setText(tr("Stop training"));
    TrainingOptions options;
    options.planner = planner();
    options.episodes = episodes;
    if (!hidden.empty())
        options.ddpg.hidden = std::move(hidden);
    // The worker owns copies and shares nothing with this view: each episode's report comes
    // back as an update (drawn by addTrainingPoint), the policy as the job's result, which
    // showTrainingDone() takes over on the GUI thread.
    m_trainingJob.start([scenario, options](auto& control) mutable -> Expected<JudgedPolicy> {
        options.progress = [&control](const EpisodeReport& report) {
            control.report(report);
            return !control.stopRequested();
        };
        return trainAndJudge(scenario, options);
    });
}

void OnlineView::cancelTraining()
{
    m_trainingJob.requestStop(); // it hands over the best policy so far
}

void OnlineView::addTrainingPoint(const EpisodeReport& report)
{
    m_training->appendToLine(0, report.episode, report.evaluationEnergyPerTaskMj);
    m_training->fitAxesToData();
    m_training->replot();
    m_summary->setText(tr("Training: episode %1, %2 mJ per task on the evaluation traces, %3 misses, %4 steps/s%5")
                           .arg(report.episode)
                           .arg(report.evaluationEnergyPerTaskMj, 0, 'f', 3)
                           .arg(report.evaluationMisses)
                           .arg(report.stepsPerSecond, 0, 'f', 0)
                           .arg(report.best ? tr(" (best so far)") : QString()));
    emit trainingEpisode(report.episode);
}

} // namespace coinfer

#include "core/model/scenario.h"
#include "core/util/expected.h"
#include "moc_onlineview.cpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
