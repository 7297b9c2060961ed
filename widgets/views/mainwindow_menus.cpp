// MainWindow's menus (File, Edit, View, Plan) and the work they start: opening, exporting the
// plan, bulk edits and generating users on a worker. The rest of the window is mainwindow.cpp.
#include "widgets/views/mainwindow.h"

#include "core/io/scenarioform.h"
#include "core/model/population.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/document/backgroundjob.h"
#include "widgets/document/commands.h"
#include "widgets/document/errortext.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/document/usertablemodel.h"
#include "widgets/export/exportpath.h"
#include "widgets/views/bulkeditdialog.h"
#include "widgets/views/dnnview.h"
#include "widgets/views/examplecatalog.h"
#include "widgets/views/generatordialog.h"
#include "widgets/views/presentationwindow.h"
#include "widgets/views/sweepview.h"

#include <QAction>
#include <QDialog>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QKeySequence>
#include <QList>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QObject>
#include <QProgressDialog>
#include <QStatusBar>
#include <QString>
#include <QStringList>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>
#include <QWidget>
#include <Qt>

#include <cstddef>
#include <utility>
#include <variant>
#include <vector>

namespace coinfer {

void MainWindow::createFileMenu()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, [this] {
        if (!maybeSave())
            return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), {}, tr("Scenarios (*.json)"));
        if (!path.isEmpty())
            openFileInBackground(path);
    });
    QMenu* examples = file->addMenu(tr("Open &example"));
    examples->setToolTipsVisible(true);
    for (const ExampleEntry& example : shippedExamples()) {
        QAction* action = examples->addAction(tr("%1 \u2014 %2").arg(QFileInfo(example.file).completeBaseName(), example.story),
                                              this, [this, name = example.file] {
                                                  if (maybeSave())
                                                      openExample(name);
                                              });
        if (!example.builtIn && examplesFolder().isEmpty()) {
            action->setEnabled(false);
            action->setToolTip(tr("Needs the examples folder of Coinfer's source tree, with the files this example refers to"));
        }
    }
    file->addAction(tr("&Import ONNX model..."), QKeySequence(tr("Ctrl+I")), this, [this] {
        m_tabs->setCurrentWidget(m_dnnView);
        m_dnnView->importOnnx();
    });
    m_recentMenu = file->addMenu(tr("Open &recent"));
    rebuildRecentMenu();
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] {
        saveTo(m_document->path().startsWith(":") || m_document->path().isEmpty() ? QString() : m_document->path());
    });
    file->addAction(tr("Save &as..."), QKeySequence::SaveAs, this, [this] { saveTo({}); });
    file->addAction(tr("Save &expanded as..."), this, &MainWindow::saveExpandedAs);
    file->addSeparator();
    file->addAction(tr("&Export plan..."), QKeySequence(tr("Ctrl+E")), this, &MainWindow::askAndExportPlan);
    file->addAction(tr("Export &report (PDF)..."), QKeySequence(tr("Ctrl+P")), this, [this] {
        const QString path = askSavePath(this, tr("Export report"), suggestedPath("-report.pdf"), tr("PDF (*.pdf)"));
        if (path.isEmpty())
            return;
        if (const Expected<void> written = exportReport(path); !written)
            QMessageBox::critical(this, tr("Export failed"), errorText(written));
        else
            statusBar()->showMessage(tr("Wrote the report to %1").arg(path), 10000);
    });
    file->addAction(tr("Export &charts of this page..."), this, [this] {
        const QString path =
            askSavePath(this, tr("Export charts"), suggestedPath("-charts.png"), tr("PNG (*.png);;PDF (*.pdf);;SVG (*.svg)"));
        if (path.isEmpty())
            return;
        const Expected<QStringList> written = exportCharts(path);
        if (!written)
            QMessageBox::critical(this, tr("Export failed"), errorText(written));
        else
            statusBar()->showMessage(
                tr("Wrote %n chart file(s): %1", nullptr, static_cast<int>(written->size())).arg(written->join(", ")), 10000);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::askAndExportPlan()
{
    QStringList names;
    for (Algorithm algorithm : allAlgorithms())
        names << QString::fromStdString(algorithmName(algorithm));
    bool ok = false;
    const QString algorithm = QInputDialog::getItem(
        this, tr("Export plan"), tr("Algorithm"), names,
        static_cast<int>(names.indexOf(QString::fromStdString(algorithmName(Algorithm::Best)))), false, &ok);
    if (!ok)
        return;
    const QString path =
        askSavePath(this, tr("Export plan"), suggestedPath("-plan.json"), tr("Plan (*.json);;Per-user table (*.csv)"));
    if (!path.isEmpty())
        exportPlanAndSay(path, algorithm);
}

bool MainWindow::exportPlanAndSay(const QString& path, const QString& algorithm)
{
    if (const Expected<void> written = exportPlan(path, algorithm); !written) {
        QMessageBox::critical(this, tr("Export failed"), errorText(written));
        return false;
    }
    statusBar()->showMessage(tr("Wrote the %1 plan to %2").arg(algorithm, path), 10000);
    return true;
}

void MainWindow::createEditMenu()
{
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(tr("Ctrl+Y"))});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("&Add user"), QKeySequence(tr("Ctrl+Shift+N")), this, [this] {
        const QList<int> rows = selectedUsers();
        if (!m_model->addUser(rows.isEmpty() ? -1 : rows.front()))
            statusBar()->showMessage(
                tr("No user to copy and no device class to draw one from: open a scenario with users or device classes."), 10000);
    });
    edit->addAction(tr("&Remove selected users"), QKeySequence::Delete, this, [this] { m_model->removeUsers(selectedUsers()); });
    edit->addAction(tr("&Generate users..."), QKeySequence(tr("Ctrl+G")), this, &MainWindow::generateUsers);
    edit->addAction(tr("Set &deadline of selected users..."), this, [this] {
        const QList<int> rows = selectedUsers();
        if (rows.isEmpty())
            return;
        BulkDeadlineDialog dialog(static_cast<int>(rows.size()),
                                  m_document->scenario().users[static_cast<size_t>(rows.front())].deadlineMs, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        const bool changed = dialog.scales() ? m_model->scaleColumnForRows(rows, UserTableModel::DeadlineMs, dialog.value())
                                             : m_model->setColumnForRows(rows, UserTableModel::DeadlineMs, dialog.value());
        statusBar()->showMessage(changed ? tr("Changed the deadline of %n user(s).", nullptr, static_cast<int>(rows.size()))
                                         : tr("No deadline changed: a deadline must stay positive and finite."),
                                 10000);
    });
}

void MainWindow::generateUsers()
{
    GeneratorDialog dialog(m_document->scenario(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (const Expected<PopulationSpec> spec = dialog.spec(); !spec)
        QMessageBox::critical(this, tr("Generate users"), errorText(spec));
    else
        generateInBackground(*spec);
}

namespace {

/// What a worker hands back for Generate: the users at their rows and the file-form changes
/// that insert them (computed there, since ScenarioForm::insertUser is O(M) per user).
struct GeneratedUsers {
    std::vector<std::pair<int, User>> rows;
    std::vector<FormChange> changes;
};

} // namespace

void MainWindow::generateInBackground(const PopulationSpec& spec)
{
    // Drawing the users and working out their form changes run on a worker with its own copies
    // of the scenario and the form; the result comes back through a job of its own, which an
    // edit of the scenario meanwhile abandons (the users were drawn for the scenario as it was).
    auto* job = new Job<GeneratedUsers>(this);
    auto* progress = new QProgressDialog(tr("Generating %n user(s)...", nullptr, static_cast<int>(spec.count)), tr("Cancel"), 0,
                                         static_cast<int>(spec.count), this);
    progress->setObjectName("generateProgress");
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    connect(progress, &QProgressDialog::canceled, job, &BackgroundJob::cancel);
    connect(job, &BackgroundJob::progressChanged, progress, [progress](int done, int total) {
        progress->setMaximum(total);
        progress->setValue(done);
    });
    connect(m_document, &ScenarioDocument::edited, job, [job] {
        job->abandon(
            Error{ErrorCode::BadInput, tr("The scenario changed while users were drawn: generate again.").toStdString()});
    });
    connect(job, &BackgroundJob::cancelled, this, [this, job, progress] {
        progress->deleteLater();
        job->deleteLater();
        statusBar()->showMessage(tr("Generation cancelled: no user was added."), 10000);
    });
    connect(job, &BackgroundJob::finished, this, [this, job, progress] {
        progress->deleteLater();
        job->deleteLater();
        Expected<GeneratedUsers> users = job->takeResult();
        if (!users) {
            statusBar()->showMessage(job->errorString(), 10000);
            return;
        }
        m_document->undoStack()->push(
            new InsertRemoveUsersCommand(m_document, std::move(users->rows), std::move(users->changes), tr("Generate users")));
        emit usersGenerated();
    });
    job->start([scenario = m_document->scenario(), form = m_document->form(), spec](auto& control) -> Expected<GeneratedUsers> {
        std::vector<std::pair<int, User>> rows;
        int row = scenario.userCount();
        for (User& user : GeneratorDialog::generate(scenario, spec))
            rows.emplace_back(row++, std::move(user));
        const int total = static_cast<int>(rows.size());
        control.setProgress(0, total);
        std::vector<FormChange> changes = insertionFormChanges(form, scenario, rows, [&control, total](size_t done) {
            if (done % 64 == 0)
                control.setProgress(static_cast<int>(done), total);
            return !control.stopRequested();
        });
        return GeneratedUsers{std::move(rows), std::move(changes)}; // dropped by the job if it was stopped
    });
}

void MainWindow::createViewMenu()
{
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Presentation mode"), QKeySequence(Qt::Key_F11), this, [this] {
        auto* presentation = new PresentationWindow(m_document->scenario());
        presentation->setAttribute(Qt::WA_DeleteOnClose);
        presentation->showFullScreen();
    });
}

void MainWindow::createPlanMenu()
{
    QMenu* plan = menuBar()->addMenu(tr("&Plan"));
    plan->addAction(tr("&Plan all algorithms"), QKeySequence(Qt::Key_F5), this, &MainWindow::planNow);
    plan->addAction(tr("&Cancel planning"), QKeySequence(Qt::Key_Escape), this, [this] {
        // One Esc for the whole window (a second one on the Sweep page made both ambiguous).
        if (m_sweepView->isRunning()) {
            m_sweepView->cancel();
            return;
        }
        m_replanTimer->stop(); // also the re-planning an edit has scheduled
        m_runCancelled = true;
        m_runner->cancel();
        updateStatus();
        updateBanners();
    });
}

} // namespace coinfer
