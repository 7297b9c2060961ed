#include "widgets/mainwindow.h"

#include "core/io/planio.h"
#include "core/io/scenarioio.h"
#include "widgets/commands.h"
#include "widgets/chartexport.h"
#include "widgets/comparisonview.h"
#include "widgets/dnnview.h"
#include "widgets/generatordialog.h"
#include "widgets/onlineview.h"
#include "widgets/planrunner.h"
#include "widgets/planview.h"
#include "widgets/presentationwindow.h"
#include "widgets/scenariodocument.h"
#include "widgets/usertablemodel.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QTabWidget>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QPdfWriter>
#include <QTableWidget>
#include <QTextDocumentFragment>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QUndoStack>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace coinfer {
namespace {

constexpr int kAutoPlanUsers = 200;  // larger scenarios are planned on request (F5)
constexpr int kRecentFiles = 8;
const char* const kRecentKey = "files/recent";

} // namespace

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
    , m_planChoice(new QComboBox(this))
    , m_compareChoice(new QComboBox(this))
    , m_replanTimer(new QTimer(this))
    , m_busy(new QProgressBar(this))
    , m_status(new QLabel(this))
{
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    m_table->setModel(proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // scenario order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
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
    m_compareChoice->addItem(tr("nothing"), QString());
    for (Algorithm algorithm : allAlgorithms())
        m_compareChoice->addItem(QString::fromStdString(algorithmName(algorithm)), QString::fromStdString(algorithmName(algorithm)));
    choiceRow->addWidget(m_compareChoice);
    choiceRow->addStretch(1);
    planLayout->addLayout(choiceRow);
    planLayout->addWidget(m_planView, 1);
    auto* tabs = m_tabs = new QTabWidget(this);
    tabs->addTab(m_comparison, tr("&Comparison"));
    tabs->addTab(planPage, tr("P&lan"));
    tabs->addTab(m_dnnView, tr("&DNN and edge"));
    tabs->addTab(m_onlineView, tr("&Online"));
    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_table);
    splitter->addWidget(tabs);
    connect(m_planChoice, &QComboBox::currentTextChanged, this, &MainWindow::showPlanOf);
    connect(m_compareChoice, &QComboBox::currentIndexChanged, this, [this] { compareWith(m_compareChoice->currentData().toString()); });
    connect(m_planView, &PlanView::userClicked, this, &MainWindow::selectUser);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this, proxy](const QModelIndex& current) {
        if (current.isValid())
            m_planView->selectUser(proxy->mapToSource(current).row());
    });
    splitter->setSizes({500, 780});
    setCentralWidget(splitter);
    setAcceptDrops(true);

    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_status->setObjectName("status");
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_busy);

    // Small scenarios follow every edit: plan again once the edits pause.
    m_replanTimer->setSingleShot(true);
    m_replanTimer->setInterval(120);
    m_replanTimer->setTimerType(Qt::PreciseTimer);
    connect(m_replanTimer, &QTimer::timeout, this, &MainWindow::planNow);
    connect(m_document, &ScenarioDocument::edited, this, [this] {
        updateTitle();
        if (m_document->scenario().userCount() <= kAutoPlanUsers)
            m_replanTimer->start();
    });
    connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
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
    connect(m_runner, &PlanRunner::finished, this, &MainWindow::updateStatus);
    connect(m_runner, &PlanRunner::cancelled, this, [this] {
        m_runCancelled = true;
        updateStatus();
    });
    createActions();
    resize(1280, 760);
    updateTitle();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, [this] {
        if (!maybeSave())
            return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), {}, tr("Scenarios (*.json)"));
        if (!path.isEmpty())
            openFile(path);
    });
    file->addAction(tr("Open &example"), this, [this] {
        if (maybeSave())
            openBuiltInExample();
    });
    m_recentMenu = file->addMenu(tr("Open &recent"));
    rebuildRecentMenu();
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] {
        saveTo(m_document->path().startsWith(":") || m_document->path().isEmpty() ? QString() : m_document->path());
    });
    file->addAction(tr("Save &as..."), QKeySequence::SaveAs, this, [this] { saveTo({}); });
    file->addSeparator();
    file->addAction(tr("&Export plan..."), QKeySequence(tr("Ctrl+E")), this, [this] {
        QStringList names;
        for (Algorithm algorithm : allAlgorithms())
            names << QString::fromStdString(algorithmName(algorithm));
        bool ok = false;
        const QString algorithm = QInputDialog::getItem(this, tr("Export plan"), tr("Algorithm"), names,
                                                         static_cast<int>(names.indexOf(QString::fromStdString(algorithmName(Algorithm::Best)))), false, &ok);
        if (!ok)
            return;
        const QString path = QFileDialog::getSaveFileName(this, tr("Export plan"), {}, tr("Plan (*.json);;Per-user table (*.csv)"));
        QString error;
        if (!path.isEmpty() && !exportPlan(path, algorithm, &error))
            QMessageBox::critical(this, tr("Export failed"), error);
    });
    file->addAction(tr("Export &report (PDF)..."), QKeySequence(tr("Ctrl+P")), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export report"), {}, tr("PDF (*.pdf)"));
        QString error;
        if (!path.isEmpty() && !exportReport(path, &error))
            QMessageBox::critical(this, tr("Export failed"), error);
    });
    file->addAction(tr("Export &charts of this page..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export charts"), {}, tr("PNG (*.png);;PDF (*.pdf);;SVG (*.svg)"));
        if (!path.isEmpty() && exportCharts(path).isEmpty())
            QMessageBox::critical(this, tr("Export failed"), tr("%1 could not be written").arg(path));
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(tr("Ctrl+Y"))});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    auto selectedRows = [this] {
        QList<int> rows;
        auto* proxy = static_cast<QSortFilterProxyModel*>(m_table->model());
        for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
            rows << proxy->mapToSource(index).row();
        return rows;
    };
    edit->addAction(tr("&Add user"), QKeySequence(tr("Ctrl+Shift+N")), this, [this, selectedRows] {
        const QList<int> rows = selectedRows();
        m_model->addUser(rows.isEmpty() ? -1 : rows.front());
    });
    edit->addAction(tr("&Remove selected users"), QKeySequence::Delete, this, [this, selectedRows] { m_model->removeUsers(selectedRows()); });
    edit->addAction(tr("&Generate users..."), QKeySequence(tr("Ctrl+G")), this, [this] {
        GeneratorDialog dialog(m_document->scenario(), this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        std::vector<std::pair<int, User>> rows;
        int row = m_document->scenario().userCount();
        for (User& user : GeneratorDialog::generate(m_document->scenario(), dialog.spec()))
            rows.emplace_back(row++, std::move(user));
        m_document->undoStack()->push(new InsertRemoveUsersCommand(m_document, std::move(rows), false, tr("Generate users")));
    });
    edit->addAction(tr("Set &deadline of selected users..."), this, [this, selectedRows] {
        const QList<int> rows = selectedRows();
        if (rows.isEmpty())
            return;
        bool ok = false;
        const double deadline = QInputDialog::getDouble(this, tr("Bulk edit"), tr("Deadline (ms)"), 100, 0.001, 1e9, 3, &ok);
        if (ok)
            m_model->setColumnForRows(rows, UserTableModel::DeadlineMs, deadline);
    });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Presentation mode"), QKeySequence(Qt::Key_F11), this, [this] {
        auto* presentation = new PresentationWindow(m_document->scenario());
        presentation->setAttribute(Qt::WA_DeleteOnClose);
        presentation->showFullScreen();
    });

    QMenu* plan = menuBar()->addMenu(tr("&Plan"));
    plan->addAction(tr("&Plan all algorithms"), QKeySequence(Qt::Key_F5), this, &MainWindow::planNow);
    plan->addAction(tr("&Cancel planning"), QKeySequence(Qt::Key_Escape), m_runner, &PlanRunner::cancel);
}

bool MainWindow::openFile(const QString& path, bool quiet)
{
    Expected<void> loaded = m_document->load(path);
    if (!loaded) {
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot open scenario"), QString::fromStdString(loaded.error().message));
        return false;
    }
    rememberRecent(path);
    m_status->setText(tr("Opened %1").arg(path));
    return true;
}

void MainWindow::openBuiltInExample()
{
    QFile file(":/examples/classroom.json");
    file.open(QIODevice::ReadOnly);
    const QByteArray text = file.readAll();
    Expected<Scenario> scenario = parseScenario(std::string_view(text.constData(), static_cast<size_t>(text.size())), "classroom.json");
    if (scenario)
        m_document->reset(*scenario, QString());
}

void MainWindow::planNow()
{
    m_replanTimer->stop();
    m_runner->start(m_document->scenario());
}

void MainWindow::showPlanOf(const QString& algorithm)
{
    for (const AlgorithmResult& result : m_runner->results())
        if (QString::fromStdString(algorithmName(result.algorithm)) == algorithm && result.plan)
            m_planView->showPlan(m_runner->resultsScenario(), *result.plan);
}

void MainWindow::showPage(int page)
{
    m_tabs->setCurrentIndex(page);
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
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    m_planView->selectUser(user);
}

void MainWindow::showResults(const std::vector<Algorithm>& arrived)
{
    m_comparison->showResults(m_runner->results());
    auto hasArrived = [&arrived](const QString& name) {
        return std::any_of(arrived.begin(), arrived.end(), [&name](Algorithm a) { return QString::fromStdString(algorithmName(a)) == name; });
    };
    // Only the plans that changed are drawn again: the searches arrive seconds after the rest.
    if (hasArrived(m_planChoice->currentText()))
        showPlanOf(m_planChoice->currentText());
    const QString compared = m_compareChoice->currentData().toString();
    if (!compared.isEmpty() && hasArrived(compared))
        compareWith(compared);
    updateStatus();
}

void MainWindow::updateStatus()
{
    const int users = m_document->scenario().userCount();
    if (m_runner->isRunning()) {
        m_busy->show();
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
        QString text = tr("Planning %1 users (%2 s)").arg(users).arg(m_runner->runElapsedMs() / 1000.0, 0, 'f', 1);
        if (!searching.isEmpty()) {
            text += tr(": %1 searching").arg(searching.join(tr(" and ")));
            if (!found.isEmpty())
                text += tr(", so far %1").arg(found.join(", "));
            if (!found.isEmpty() && std::isfinite(boundMj))
                text += tr(", lower bound %1 mJ").arg(boundMj, 0, 'f', 3);
            text += tr(" (Esc stops them)");
        }
        m_status->setText(text);
        return;
    }
    m_busy->hide();
    const AlgorithmResult* recommended = ComparisonView::recommendedResult(m_runner->results());
    QString verdict;
    if (recommended) {
        const QString name = QString::fromStdString(algorithmName(recommended->algorithm));
        const double gap = ComparisonView::gapToBoundPercent(*recommended->plan, m_comparison->lowerBoundMj());
        verdict = recommended->plan->provenOptimal ? tr("; %1 is proven optimal").arg(name)
                  : std::isfinite(gap)             ? tr("; %1 is at most %2 % above the optimum").arg(name).arg(gap, 0, 'f', 2)
                                                   : QString();
    }
    const QString done = tr("%1 users planned by %2 algorithms in %3 s%4")
                             .arg(users)
                             .arg(m_runner->results().size())
                             .arg(m_runner->runElapsedMs() / 1000.0, 0, 'f', 2)
                             .arg(verdict);
    m_status->setText(m_runCancelled ? tr("Planning cancelled: best and exact show the best plans they had found") : done);
}

bool MainWindow::exportPlan(const QString& path, const QString& algorithm, QString* error)
{
    for (const AlgorithmResult& result : m_runner->results()) {
        if (QString::fromStdString(algorithmName(result.algorithm)) != algorithm)
            continue;
        if (!result.plan) {
            if (error)
                *error = result.pending ? tr("The %1 plan is still being searched for: wait for it, or press Esc to stop the search.").arg(algorithm)
                                        : result.message;
            return false;
        }
        const Scenario& scenario = m_runner->resultsScenario(); // the plan's own, even if edited since
        std::string text;
        if (path.endsWith(".csv", Qt::CaseInsensitive)) {
            text = "id,partition,group,energy_mj,upload_start_ms,upload_end_ms,finish_ms,deadline_ms\n";
            for (size_t m = 0; m < result.plan->users.size(); ++m) {
                const UserOutcome& u = result.plan->users[m];
                text += scenario.users[m].id + "," + std::to_string(u.partition) + "," + std::to_string(u.group) + ","
                    + QString::number(u.energyMj, 'g', 17).toStdString() + "," + QString::number(u.uploadStartMs, 'g', 17).toStdString()
                    + "," + QString::number(u.uploadEndMs, 'g', 17).toStdString() + "," + QString::number(u.finishMs, 'g', 17).toStdString()
                    + "," + QString::number(u.deadlineMs, 'g', 17).toStdString() + "\n";
            }
        } else {
            text = planToJson(scenario, *result.plan);
        }
        QSaveFile file(path);
        if (file.open(QIODevice::WriteOnly) && file.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size())
            && file.commit())
            return true;
        if (error)
            *error = tr("%1 could not be written: %2").arg(path, file.errorString());
        return false;
    }
    if (error)
        *error = tr("There is no %1 plan yet: plan first (F5).").arg(algorithm);
    return false;
}

QStringList MainWindow::exportCharts(const QString& path)
{
    std::vector<std::pair<QString, QCustomPlot*>> charts;
    switch (m_tabs->currentIndex()) {
    case 1: charts = {{"energy", m_planView->energyChart()}, {"partitions", m_planView->partitionChart()}}; break;
    case 2: charts = {{"split-points", m_dnnView->splitChart()}, {"batch-curves", m_dnnView->curveChart()}}; break;
    default: charts = {{"comparison", m_comparison->chart()}}; break;
    }
    const QFileInfo info(path);
    QStringList written;
    for (const auto& [name, chart] : charts) {
        const QString file = charts.size() == 1 ? path : info.path() + "/" + info.completeBaseName() + "-" + name + "." + info.suffix();
        if (!exportChart(chart, file))
            return {};
        written << file;
    }
    return written;
}

bool MainWindow::exportReport(const QString& path, QString* error)
{
    if (m_runner->results().empty()) {
        if (error)
            *error = tr("There are no plans yet: plan first (F5).");
        return false;
    }
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(150);
    pdf.setTitle(tr("Coinfer report"));
    QPainter painter;
    if (!painter.begin(&pdf)) {
        if (error)
            *error = tr("%1 could not be written").arg(path);
        return false;
    }
    const Scenario& scenario = m_runner->resultsScenario(); // the one the table and charts show
    const int width = pdf.width();
    int y = 0;
    QFont title = painter.font();
    title.setPointSize(16);
    title.setBold(true);
    painter.setFont(title);
    painter.drawText(QRect(0, y, width, 60), Qt::AlignLeft, tr("Coinfer: %1").arg(QString::fromStdString(scenario.name.empty() ? "scenario" : scenario.name)));
    y += 70;
    QFont body = painter.font();
    body.setPointSize(9);
    body.setBold(false);
    painter.setFont(body);
    const QString summary = tr("%1 users; DNN %2 with %3 sub-tasks, input %4 bytes; edge batches up to %5; deadlines %6 to %7 ms.")
                                .arg(scenario.userCount())
                                .arg(QString::fromStdString(scenario.dnn.name))
                                .arg(scenario.dnn.subtaskCount())
                                .arg(scenario.dnn.inputBytes)
                                .arg(scenario.dnn.maxBatch())
                                .arg(scenario.users.empty() ? 0 : std::min_element(scenario.users.begin(), scenario.users.end(), [](const User& a, const User& b) { return a.deadlineMs < b.deadlineMs; })->deadlineMs)
                                .arg(scenario.users.empty() ? 0 : std::max_element(scenario.users.begin(), scenario.users.end(), [](const User& a, const User& b) { return a.deadlineMs < b.deadlineMs; })->deadlineMs);
    painter.drawText(QRect(0, y, width, 80), Qt::TextWordWrap, summary);
    y += 90;
    // The recommendation and the bound, then the comparison table as the app shows it.
    const QString recommendation = QTextDocumentFragment::fromHtml(m_comparison->summary()->text()).toPlainText();
    const QRect recommendationRect = painter.boundingRect(QRect(0, y, width, 200), Qt::TextWordWrap, recommendation);
    painter.drawText(QRect(0, y, width, recommendationRect.height()), Qt::TextWordWrap, recommendation);
    y += recommendationRect.height() + 20;
    QTableWidget* table = m_comparison->table();
    const int columns = table->columnCount();
    QFont bold = body;
    bold.setBold(true);
    // Columns as wide as their widest text (bold, to be safe), shrunk to the page if need be;
    // headers keep the app's line breaks.
    painter.setFont(bold);
    const QFontMetrics metrics = painter.fontMetrics();
    const int padding = metrics.horizontalAdvance(QStringLiteral("  "));
    std::vector<int> columnWidths(static_cast<size_t>(columns), 0);
    int headerLines = 1;
    for (int c = 0; c < columns; ++c) {
        int widest = 0;
        const QStringList lines = table->horizontalHeaderItem(c)->text().split('\n');
        headerLines = std::max(headerLines, static_cast<int>(lines.size()));
        for (const QString& line : lines)
            widest = std::max(widest, metrics.horizontalAdvance(line));
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, c))
                widest = std::max(widest, metrics.horizontalAdvance(table->item(r, c)->text()));
        columnWidths[static_cast<size_t>(c)] = widest + padding;
    }
    const double total = std::accumulate(columnWidths.begin(), columnWidths.end(), 0.0);
    if (total > width)
        for (int& w : columnWidths)
            w = static_cast<int>(w * width / total);
    const int rowHeight = metrics.height() + metrics.height() / 3;
    auto drawRow = [&](int top, int height, auto textOf) {
        int x = 0;
        for (int c = 0; c < columns; ++c) {
            const int w = columnWidths[static_cast<size_t>(c)];
            QStringList lines = textOf(c).split('\n');
            for (QString& line : lines)
                line = painter.fontMetrics().elidedText(line, Qt::ElideRight, w - padding / 2);
            painter.drawText(QRect(x, top, w, height), Qt::AlignLeft | Qt::AlignBottom, lines.join('\n'));
            x += w;
        }
    };
    const int headerHeight = headerLines * metrics.height() + metrics.height() / 3;
    drawRow(y, headerHeight, [table](int c) { return table->horizontalHeaderItem(c)->text(); });
    y += headerHeight;
    painter.drawLine(0, y, width, y);
    for (int r = 0; r < table->rowCount(); ++r, y += rowHeight) {
        const QTableWidgetItem* name = table->item(r, 0);
        painter.setFont(name && name->font().bold() ? bold : body); // the recommended plan
        drawRow(y, rowHeight, [table, r](int c) { return table->item(r, c) ? table->item(r, c)->text() : QString(); });
    }
    painter.setFont(body);
    y += 30;
    const int chartHeight = (pdf.height() - y - 20) / 2;
    painter.drawPixmap(QRect(0, y, width, chartHeight), m_comparison->chart()->toPixmap(width, chartHeight));
    y += chartHeight + 20;
    painter.drawPixmap(QRect(0, y, width, chartHeight), m_planView->energyChart()->toPixmap(width, chartHeight));
    painter.end();
    return true;
}

bool MainWindow::saveTo(const QString& given)
{
    QString path = given;
    if (path.isEmpty())
        path = QFileDialog::getSaveFileName(this, tr("Save scenario"), {}, tr("Scenarios (*.json)"));
    if (path.isEmpty())
        return false;
    Expected<void> saved = m_document->save(path);
    if (!saved) {
        QMessageBox::critical(this, tr("Cannot save"), QString::fromStdString(saved.error().message));
        return false;
    }
    rememberRecent(path);
    updateTitle();
    return true;
}

bool MainWindow::maybeSave()
{
    if (!m_document->isModified())
        return true;
    const auto answer = QMessageBox::warning(this, tr("Coinfer"), tr("The scenario has unsaved changes. Save them?"),
                                             QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return saveTo(m_document->path().startsWith(":") ? QString() : m_document->path());
    return answer == QMessageBox::Discard;
}

void MainWindow::updateTitle()
{
    const QString name = m_document->path().isEmpty() ? tr("classroom example") : QFileInfo(m_document->path()).fileName();
    setWindowTitle(tr("%1[*] - Coinfer").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::rememberRecent(const QString& path)
{
    QSettings settings;
    QStringList files = settings.value(kRecentKey).toStringList();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kRecentFiles)
        files.removeLast();
    settings.setValue(kRecentKey, files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    for (const QString& path : QSettings().value(kRecentKey).toStringList())
        m_recentMenu->addAction(path, this, [this, path] {
            if (maybeSave())
                openFile(path);
        });
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
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
    if (!urls.isEmpty() && maybeSave())
        openFile(urls.front().toLocalFile());
}

} // namespace coinfer
