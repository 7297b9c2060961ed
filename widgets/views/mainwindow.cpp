#include "widgets/views/mainwindow.h"

#include "widgets/charts/palette.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/document/usertablemodel.h"
#include "widgets/document/naturalsortproxy.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/dnnview.h"
#include "widgets/views/examplecatalog.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/sweepview.h"
#include "widgets/views/planview.h"

#include <QAbstractItemView>
#include <QByteArray>
#include <QCloseEvent>
#include <QColor>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileInfo>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIODevice>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLatin1String>
#include <QMessageBox>
#include <QMimeData>
#include <QModelIndex>
#include <QModelIndexList>
#include <QProgressBar>
#include <QSizePolicy>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>
#include <QUrl>
#include <QVBoxLayout>
#include <QVariant>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

namespace coinfer {
namespace {

/// A hidden one-line warning over a page: wraps, and says what the page below does not.
QLabel* makeBanner(QWidget* parent, const char* name)
{
    auto* banner = new QLabel(parent);
    banner->setObjectName(name);
    banner->setWordWrap(true);
    banner->setTextFormat(Qt::PlainText);
    banner->setStyleSheet("QLabel { background: #fff3cd; color: #5c4400; border: 1px solid #e0c060; padding: 6px; }");
    banner->hide();
    return banner;
}

} // namespace

int MainWindow::replanDelayMs(int users)
{
    // Small scenarios follow typing; large ones wait for a pause, since each run costs seconds.
    return users <= 200 ? 120 : users <= 2000 ? 400 : 800;
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_document(new ScenarioDocument(this))
    , m_model(new UserTableModel(m_document, this))
    , m_runner(new PlanRunner(this))
    , m_table(new QTableView(this))
    , m_comparison(new ComparisonView(this))
    , m_planView(new PlanView(this))
    , m_dnnView(new DnnView(m_document, this))
    , m_onlineView(new OnlineView(m_document, this))
    , m_sweepView(new SweepView(m_document, this))
    , m_untitledName(tr("classroom example"))
    , m_planChoice(new QComboBox(this))
    , m_compareChoice(new QComboBox(this))
    , m_replanTimer(new QTimer(this))
    , m_busy(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    setCentralWidget(createCentralWidget());
    setAcceptDrops(true);
    createStatusBar();
    connectDocument();
    connectRunner();
    createFileMenu();
    createEditMenu();
    createViewMenu();
    createPlanMenu();
    resize(1280, 760);
    updateTitle();
}

QWidget* MainWindow::createCentralWidget()
{
    auto* proxy = new NaturalSortProxy(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // scenario order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Columns fit the first rows only: measuring every row on each edit costs seconds at 10,000.
    m_table->horizontalHeader()->setResizeContentsPrecision(200);
    m_model->setInfeasibleBackground([] {
        QColor late = palette::late();
        late.setAlpha(70); // the row stays readable
        return late;
    }());
    auto* comparisonPage = new QWidget(this);
    auto* comparisonLayout = new QVBoxLayout(comparisonPage);
    comparisonLayout->setContentsMargins(0, 0, 0, 0);
    m_comparisonBanner = makeBanner(comparisonPage, "comparisonBanner");
    comparisonLayout->addWidget(m_comparisonBanner);
    comparisonLayout->addWidget(m_comparison, 1);
    auto* tabs = m_tabs = new QTabWidget(this);
    // In MainPage's order: a page's value is its tab's index.
    tabs->addTab(comparisonPage, tr("&Comparison"));
    tabs->addTab(createPlanPage(), tr("P&lan"));
    tabs->addTab(m_dnnView, tr("&DNN and edge"));
    tabs->addTab(m_onlineView, tr("&Online"));
    tabs->addTab(m_sweepView, tr("S&weep"));
    Q_ASSERT(tabs->count() == static_cast<int>(MainPage::Count));
    connect(m_sweepView, &SweepView::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(m_sweepView, &SweepView::variantRequested, this, &MainWindow::openVariant);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_table);
    splitter->addWidget(tabs);
    connect(m_planView, &PlanView::userClicked, this, &MainWindow::selectUser);
    connect(m_planView, &PlanView::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(m_onlineView, &OnlineView::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this, proxy](const QModelIndex& current) {
        if (current.isValid())
            m_planView->selectUser(proxy->mapToSource(current).row());
    });
    splitter->setSizes({500, 780});
    return splitter;
}

QWidget* MainWindow::createPlanPage()
{
    auto* planPage = new QWidget(this);
    auto* planLayout = new QVBoxLayout(planPage);
    auto* choiceRow = new QHBoxLayout;
    choiceRow->addWidget(new QLabel(tr("Plan of"), planPage));
    for (Algorithm algorithm : allAlgorithms())
        m_planChoice->addItem(QString::fromStdString(algorithmName(algorithm)));
    m_planChoice->setCurrentText(QString::fromStdString(algorithmName(Algorithm::Best))); // the plan the app recommends
    m_planChoice->setObjectName("planChoice");
    choiceRow->addWidget(m_planChoice);
    choiceRow->addWidget(new QLabel(tr("compared with"), planPage));
    m_compareChoice->setObjectName("compareChoice");
    m_compareChoice->addItem(tr("nothing"), QString());
    for (Algorithm algorithm : allAlgorithms())
        m_compareChoice->addItem(QString::fromStdString(algorithmName(algorithm)),
                                 QString::fromStdString(algorithmName(algorithm)));
    choiceRow->addWidget(m_compareChoice);
    m_planBanner = makeBanner(planPage, "planBanner");
    // The banner comes and goes with every edit; if the plan view below changed height each
    // time, its timeline and charts would lay out again (0.5 s at 10,000 users). So the banner
    // keeps its two lines of room while hidden, beside the plan choice rather than above the
    // plan, where that room would be an empty strip most of the time.
    QSizePolicy bannerPolicy = m_planBanner->sizePolicy();
    bannerPolicy.setRetainSizeWhenHidden(true);
    m_planBanner->setSizePolicy(bannerPolicy);
    m_planBanner->setFixedHeight(3 * m_planBanner->fontMetrics().lineSpacing() + 14); // a named infeasible user takes three lines
    choiceRow->addWidget(m_planBanner, 1);
    planLayout->addLayout(choiceRow);
    planLayout->addWidget(m_planView, 1);
    connect(m_planChoice, &QComboBox::currentTextChanged, this, &MainWindow::showPlanOf);
    // Once the user picks a plan, the page keeps it; until then it shows the recommended one.
    connect(m_planChoice, &QComboBox::activated, this, [this] { m_planChoiceFollowsRecommendation = false; });
    connect(m_compareChoice, &QComboBox::currentIndexChanged, this,
            [this] { compareWith(m_compareChoice->currentData().toString()); });
    return planPage;
}

void MainWindow::createStatusBar()
{
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_status->setObjectName("status");
    // A normal widget, not a permanent one: a permanent label stretched over the bar left the
    // transient messages (an export's confirmation, a note on the file's form) no room, so none
    // was ever seen. A message now takes the label's place for its ten seconds; the pages' own
    // banners keep saying "Stale" meanwhile.
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_busy);
}

void MainWindow::connectDocument()
{
    // Every scenario follows every edit: plan again once the edits pause.
    m_replanTimer->setSingleShot(true);
    m_replanTimer->setTimerType(Qt::PreciseTimer);
    connect(m_replanTimer, &QTimer::timeout, this, &MainWindow::planNow);
    connect(m_document, &ScenarioDocument::replaced, this, [this] {
        m_replacing = true;
        selectUser(-1); // row k of the new scenario is another user
    });
    connect(m_document, &ScenarioDocument::edited, this, [this] {
        // A scenario just opened is not "edited": its status and banners say it is being planned.
        m_staleFromOpen = m_replacing;
        m_replacing = false;
        updateTitle();
        markStale();
    });
    connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(m_model, &UserTableModel::bulkEditDropped, this,
            [this](const QString& reason) { statusBar()->showMessage(reason, 10000); });
    connect(m_document, &ScenarioDocument::formNoted, this,
            [this](const QString& note) { statusBar()->showMessage(note, 10000); });
}

void MainWindow::connectRunner()
{
    connect(m_runner, &PlanRunner::started, this, [this] {
        m_busy->show();
        m_searchProgress.clear();
        m_runCancelled = false;
        m_status->setText(tr("Planning %1 users...").arg(m_document->scenario().userCount()));
    });
    connect(m_runner, &PlanRunner::resultsChanged, this, &MainWindow::showResults);
    connect(m_runner, &PlanRunner::searchProgress, this, [this](Algorithm algorithm, const SearchProgress& progress) {
        m_searchProgress[algorithm] = progress;
        updateStatus();
    });
    connect(m_runner, &PlanRunner::finished, this, [this] {
        // Only a run of the scenario as it is now makes the results current.
        if (!m_editedSincePlanning && !m_replanTimer->isActive())
            m_stale = false;
        showRecommendedPlan();
        updateStatus();
        updateBanners();
    });
    connect(m_runner, &PlanRunner::cancelled, this, [this] {
        m_runCancelled = true;
        // Cut short, but planned for the scenario as it is: not stale.
        if (!m_editedSincePlanning && !m_replanTimer->isActive())
            m_stale = false;
        updateStatus();
        updateBanners();
    });
    connect(&m_opening, &BackgroundJob::finished, this, [this] {
        unsetCursor();
        adoptLoaded(m_openingPath, m_opening.takeResult(), false);
        emit fileOpened(m_openingPath);
    });
}

QList<int> MainWindow::selectedUsers() const
{
    QList<int> rows;
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_table->model());
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        rows << proxy->mapToSource(index).row();
    return rows;
}

Expected<void> MainWindow::openFile(const QString& path, bool quiet)
{
    Expected<ScenarioDocument::Loaded> loaded = ScenarioDocument::read(path);
    Expected<void> opened = loaded ? Expected<void>() : Expected<void>(Unexpected(loaded.error()));
    adoptLoaded(path, std::move(loaded), quiet);
    return opened;
}

void MainWindow::openFileInBackground(const QString& path)
{
    // Reading and checking a 10,000-user file runs on a worker that touches no document; the
    // result comes back through the future and is adopted here, on the GUI thread.
    // A newer open supersedes this one: only the file asked for last is adopted.
    m_status->setText(tr("Opening %1...").arg(path));
    setCursor(Qt::BusyCursor);
    m_openingPath = path;
    m_opening.start([path](auto&) { return ScenarioDocument::read(path); });
}

bool MainWindow::adoptLoaded(const QString& path, Expected<ScenarioDocument::Loaded> loaded, bool quiet)
{
    if (!loaded) {
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot open scenario"), QString::fromStdString(loaded.error().message));
        updateStatus();
        return false;
    }
    m_document->adopt(std::move(*loaded));
    rememberRecent(path);
    m_status->setText(tr("Opened %1").arg(path));
    const QStringList& warnings = m_document->loadWarnings();
    if (!warnings.isEmpty() && !quiet) {
        // Not modal: the scenario is open and usable; the list says what Coinfer ignored.
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("Unknown fields"),
                            tr("%n field(s) of %1 are unknown to Coinfer and were ignored. They stay in the file when you save.",
                               nullptr, static_cast<int>(warnings.size()))
                                .arg(path),
                            QMessageBox::Ok, this);
        box->setDetailedText(warnings.join('\n'));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    return true;
}

void MainWindow::openBuiltInExample()
{
    openExample(QStringLiteral("classroom.json"));
}

bool MainWindow::openExample(const QString& name)
{
    const auto entry =
        std::find_if(shippedExamples().begin(), shippedExamples().end(), [&](const ExampleEntry& e) { return e.file == name; });
    if (entry == shippedExamples().end())
        return false;
    if (!entry->builtIn)
        return !examplesFolder().isEmpty() && openFile(examplesFolder() + "/" + name).has_value();
    QFile file(":/examples/" + name);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    Scenario scenario;
    Expected<ScenarioForm> form = ScenarioForm::parse(file.readAll().toStdString(), name.toStdString(), scenario);
    if (!form)
        return false;
    m_untitledName = tr("%1 example").arg(QFileInfo(name).completeBaseName());
    m_document->reset(scenario, std::move(*form), QString());
    updateTitle();
    return true;
}

void MainWindow::planNow()
{
    m_replanTimer->stop();
    m_editedSincePlanning = false;
    // O(M*N) on this thread: about a millisecond at 10,000 users.
    m_infeasible = infeasibleUsers(m_document->scenario());
    m_infeasibleSentence = describeInfeasibleUsers(m_document->scenario(), m_infeasible);
    m_model->setInfeasibleUsers(m_infeasible);
    m_runner->start(m_document->scenario());
    updateBanners();
}

void MainWindow::markStale()
{
    m_editedSincePlanning = true;
    m_stale = true;
    m_runCancelled = false; // a new edit is planned again, whatever was cancelled before
    m_replanTimer->start(replanDelayMs(m_document->scenario().userCount()));
    updateStatus();
    updateBanners();
}

void MainWindow::updateBanners()
{
    const int users = m_document->scenario().userCount();
    QString comparisonText, planText;
    if (users == 0) {
        comparisonText = planText =
            tr("The scenario has no users: add one (Edit > Add user, Ctrl+Shift+N) or generate some (Ctrl+G).");
    } else if (m_stale && m_staleFromOpen) {
        const bool earlier = std::any_of(m_runner->results().begin(), m_runner->results().end(),
                                         [](const AlgorithmResult& r) { return r.plan.has_value(); });
        comparisonText = planText =
            (m_runCancelled && !m_runner->isRunning()
                 ? tr("Planning was cancelled: press F5 to plan the %n user(s) of this scenario.", nullptr, users)
                 : tr("Planning the %n user(s) of the scenario just opened...", nullptr, users)) +
            (earlier ? tr(" The results below are of the scenario open before.") : QString());
    } else if (m_stale) {
        comparisonText = planText =
            m_runCancelled && !m_runner->isRunning()
                ? tr("Results are for the scenario before your last edit; planning was cancelled: press F5 to plan again.")
                : tr("Results are for the scenario before your last edit; re-planning %n user(s)...", nullptr, users);
    } else if (!m_infeasible.empty()) {
        comparisonText = tr("No plan can meet every deadline. %1.").arg(QString::fromStdString(m_infeasibleSentence));
        planText = comparisonText + (m_planOutdated ? tr(" The plan below is the last feasible one and is outdated.")
                                                    : tr(" There is no plan to show."));
    } else if (m_planOutdated) {
        planText = tr("No %1 plan for the current scenario: the plan below is an earlier one and is outdated.")
                       .arg(m_planChoice->currentText());
    }
    // No users: the sentence alone, never a table of zeros or empty axes.
    m_comparison->setVisible(users > 0);
    m_planView->setVisible(users > 0);
    m_comparisonBanner->setText(comparisonText);
    m_comparisonBanner->setVisible(!comparisonText.isEmpty());
    m_planBanner->setText(planText);
    m_planBanner->setVisible(!planText.isEmpty());
}

void MainWindow::showPlanOf(const QString& algorithm)
{
    bool shown = false, pending = false;
    for (const AlgorithmResult& result : m_runner->results()) {
        if (QString::fromStdString(algorithmName(result.algorithm)) != algorithm)
            continue;
        pending = result.pending;
        if (result.plan) {
            m_planView->showPlan(m_runner->resultsScenario(), *result.plan);
            shown = true;
        }
    }
    // PlanView keeps what it drew last when there is no plan: say that it is outdated.
    m_planShown = m_planShown || shown;
    if (shown)
        m_planOutdated = false;
    else if (!pending && !m_runner->results().empty() && m_planShown)
        m_planOutdated = true;
    updateBanners();
}

MainWindow* MainWindow::openVariant(const Scenario& scenario, const QString& title, const QString& planner)
{
    auto* window = new MainWindow;
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->m_untitledName = title;
    // The point clicked was this planner's: its plan, not best's under a title naming another.
    if (!planner.isEmpty()) {
        window->m_planChoice->setCurrentText(planner);
        window->m_planChoiceFollowsRecommendation = false;
    }
    window->m_document->reset(scenario, QString());
    window->updateTitle();
    window->resize(size());
    window->showPage(MainPage::Plan);
    window->show();
    window->planNow();
    statusBar()->showMessage(tr("Opened %1 in a new window").arg(title), 10000);
    return window;
}

void MainWindow::showPage(MainPage page)
{
    m_tabs->setCurrentIndex(static_cast<int>(page));
}

MainPage MainWindow::currentPage() const
{
    return static_cast<MainPage>(m_tabs->currentIndex());
}

void MainWindow::compareWith(const QString& algorithm)
{
    for (const AlgorithmResult& result : m_runner->results())
        if (!algorithm.isEmpty() && QString::fromStdString(algorithmName(result.algorithm)) == algorithm && result.plan) {
            m_planView->showComparison(m_runner->resultsScenario(), &*result.plan);
            return;
        }
    m_planView->showComparison(m_runner->resultsScenario(), nullptr);
}

void MainWindow::selectUser(int user)
{
    auto* proxy = static_cast<QSortFilterProxyModel*>(m_table->model());
    const QModelIndex index = proxy->mapFromSource(m_model->index(user, 0));
    // A new current row reaches the plan view through currentRowChanged; telling it again would
    // select twice (each selection redraws the charts: 0.6 s at 10,000 users).
    const bool rowChanges = m_table->selectionModel()->currentIndex().row() != index.row() || !index.isValid();
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    if (!rowChanges || !index.isValid())
        m_planView->selectUser(user);
}

void MainWindow::showResults(const std::vector<Algorithm>& arrived)
{
    m_comparison->showResults(m_runner->results(), m_runner->saturation());
    auto hasArrived = [&arrived](const QString& name) {
        return std::any_of(arrived.begin(), arrived.end(),
                           [&name](Algorithm a) { return QString::fromStdString(algorithmName(a)) == name; });
    };
    // Only the plans that changed are drawn again: the searches arrive seconds after the rest.
    if (hasArrived(m_planChoice->currentText()))
        showPlanOf(m_planChoice->currentText());
    const QString compared = m_compareChoice->currentData().toString();
    if (!compared.isEmpty() && hasArrived(compared))
        compareWith(compared);
    showRecommendedPlan();
    updateStatus();
}

void MainWindow::showRecommendedPlan()
{
    if (!m_planChoiceFollowsRecommendation || m_runner->isRunning())
        return;
    const AlgorithmResult* recommended = ComparisonView::recommendedResult(m_runner->results());
    if (recommended)
        m_planChoice->setCurrentText(QString::fromStdString(algorithmName(recommended->algorithm)));
}

void MainWindow::updateStatus()
{
    const bool running = m_runner->isRunning();
    m_busy->setVisible(running || m_stale);
    QString text;
    if (m_document->scenario().userCount() == 0)
        text = tr("No users: add one (Ctrl+Shift+N) or generate some (Ctrl+G)");
    else if (running)
        text = planningStatus();
    else if (m_runCancelled)
        text = tr("Planning cancelled: best and exact show the best plans they had found");
    else if (!m_infeasible.empty())
        text = QString::fromStdString(m_infeasibleSentence);
    else
        text = outcomeStatus();
    if (m_stale && m_staleFromOpen && m_document->scenario().userCount() > 0 && !running)
        text = m_replanTimer->isActive() ? tr("Planning %n user(s)...", nullptr, m_document->scenario().userCount())
                                         : tr("Not planned yet: press F5 to plan.");
    else if (m_stale && !m_staleFromOpen && m_document->scenario().userCount() > 0)
        text = tr("Stale: results are for the scenario before your last edit; %1")
                   .arg(running || m_replanTimer->isActive() ? tr("re-planning (Esc cancels). ") + (running ? text : QString())
                                                             : tr("press F5 to plan."));
    m_status->setText(text);
}

QString MainWindow::planningStatus() const
{
    QStringList searching, found;
    double boundMj = m_comparison->lowerBoundMj();
    for (const AlgorithmResult& result : m_runner->results()) {
        if (!result.pending || !isSearchingAlgorithm(result.algorithm))
            continue;
        const QString name = QString::fromStdString(algorithmName(result.algorithm));
        searching << name;
        const auto progress = m_searchProgress.find(result.algorithm);
        if (progress == m_searchProgress.end())
            continue;
        if (std::isfinite(progress->second.incumbentMj))
            found << tr("%1 %2 mJ").arg(name).arg(progress->second.incumbentMj, 0, 'f', 3);
        if (progress->second.lowerBoundMj > 0)
            boundMj = std::isfinite(boundMj) ? std::max(boundMj, progress->second.lowerBoundMj) : progress->second.lowerBoundMj;
    }
    QString text =
        tr("Planning %1 users (%2 s)").arg(m_document->scenario().userCount()).arg(m_runner->runElapsedMs() / 1000.0, 0, 'f', 1);
    if (!searching.isEmpty()) {
        text += tr(": %1 searching").arg(searching.join(tr(" and ")));
        if (!found.isEmpty())
            text += tr(", so far %1").arg(found.join(", "));
        if (!found.isEmpty() && std::isfinite(boundMj))
            text += tr(", lower bound %1 mJ").arg(boundMj, 0, 'f', 3);
        text += tr(" (Esc stops them)");
    }
    return text;
}

QString MainWindow::outcomeStatus() const
{
    const AlgorithmResult* recommended = ComparisonView::recommendedResult(m_runner->results());
    QString verdict;
    if (recommended) {
        const QString name = QString::fromStdString(algorithmName(recommended->algorithm));
        const double gap = ComparisonView::gapToBoundPercent(*recommended->plan, m_comparison->lowerBoundMj());
        verdict = recommended->plan->provenOptimal ? tr("; %1 is proven optimal").arg(name)
                  : std::isfinite(gap)             ? tr("; %1 is at most %2 % above the optimum").arg(name).arg(gap, 0, 'f', 2)
                                                   : QString();
    }
    return tr("%1 users planned by %2 algorithms in %3 s%4")
        .arg(m_document->scenario().userCount())
        .arg(m_runner->results().size())
        .arg(m_runner->runElapsedMs() / 1000.0, 0, 'f', 2)
        .arg(verdict);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (maybeSave())
        event->accept();
    else
        event->ignore();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    // A model is imported into the open scenario (nothing changes until a profile is chosen); any
    // other file replaces the scenario.
    if (!urls.isEmpty() && urls.front().toLocalFile().endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive)) {
        m_tabs->setCurrentWidget(m_dnnView);
        m_dnnView->importOnnx(urls.front().toLocalFile());
        return;
    }
    if (!urls.isEmpty() && maybeSave())
        openFileInBackground(urls.front().toLocalFile());
}

} // namespace coinfer

#include "core/io/scenarioform.h"
#include "core/model/plan.h"
#include "moc_mainwindow.cpp"
