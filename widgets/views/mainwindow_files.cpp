// MainWindow's files: exporting the plan, the charts and the report; Save, Save expanded as and
// the recent files. The rest of the window is mainwindow.cpp.
#include "widgets/views/mainwindow.h"

#include "core/io/planio.h"
#include "core/model/scenario.h"
#include "core/planning/planner.h"
#include "core/util/expected.h"
#include "widgets/document/errortext.h"
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/export/chartexport.h"
#include "widgets/export/exportpath.h"
#include "widgets/export/report.h"
#include "widgets/views/comparisonview.h"
#include "widgets/views/dnnview.h"
#include "widgets/views/mainpage.h"
#include "widgets/views/plancharts.h"
#include "widgets/views/planview.h"
#include "widgets/views/sweepview.h"
#include "widgets/views/timelineview.h"

#include <QFileInfo>
#include <QFlags>
#include <QIODevice>
#include <QImage>
#include <QLabel>
#include <QList>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace coinfer {
namespace {

constexpr int kRecentFiles = 8;
const char* const kRecentKey = "files/recent";

} // namespace

Expected<void> MainWindow::exportPlan(const QString& path, const QString& algorithm)
{
    const std::vector<AlgorithmResult>& results = m_runner->results();
    const auto result = std::find_if(results.begin(), results.end(), [&](const AlgorithmResult& r) {
        return QString::fromStdString(algorithmName(r.algorithm)) == algorithm;
    });
    if (result == results.end())
        return failure(tr("There is no %1 plan yet: plan first (F5).").arg(algorithm));
    if (!result->plan)
        return failure(
            result->pending
                ? tr("The %1 plan is still being searched for: wait for it, or press Esc to stop the search.").arg(algorithm)
                : result->message);
    if (Expected<void> allowed = m_document->checkExport(path); !allowed)
        return allowed;
    const Scenario& scenario = m_runner->resultsScenario(); // the plan's own, even if edited since
    const std::string text = path.endsWith(".csv", Qt::CaseInsensitive) ? planToPerUserCsv(scenario, *result->plan)
                                                                        : planToJson(scenario, *result->plan);
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) &&
        file.write(text.data(), static_cast<qint64>(text.size())) == static_cast<qint64>(text.size()) && file.commit())
        return {};
    return failure(tr("%1 could not be written: %2").arg(path, file.errorString()), ErrorCode::Io);
}

Expected<QStringList> MainWindow::exportCharts(const QString& path)
{
    std::vector<NamedChart> charts;
    switch (currentPage()) {
    case MainPage::Plan:
        for (const auto& [name, chart] : m_planView->charts()->namedCharts())
            charts.push_back({name, chart});
        break;
    case MainPage::Dnn:
        charts = {{"split-points", m_dnnView->splitChart()}, {"batch-curves", m_dnnView->curveChart()}};
        break;
    case MainPage::Sweep:
        charts = {{"sweep", m_sweepView->chart()}};
        break;
    default:
        charts = {{"comparison", m_comparison->chart()}};
        break;
    }
    return coinfer::exportCharts(charts, path);
}

QImage MainWindow::timelineOverview(const TimelineModel& model)
{
    // Every lane fitted into one picture, as the animation export draws them: readable as a
    // population at 10,000 users, lane by lane at a few dozen.
    TimelineView view;
    view.setModel(model);
    view.setFitLanesToHeight(true);
    view.resize(1200, std::clamp(120 + 14 * model.laneCount(), 360,
                                 900)); // about the report page's width: its legend prints at the screen's size
    QImage image(view.size(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    view.render(&image);
    return image;
}

Expected<void> MainWindow::exportReport(const QString& path)
{
    if (Expected<void> allowed = m_document->checkExport(path); !allowed)
        return allowed;
    if (m_runner->results().empty())
        return failure(tr("There are no plans yet: plan first (F5)."));
    // The scenario the table and charts show, even if edited since.
    ReportContents contents{.recommendation = m_comparison->summary()->text(),
                            .table = m_comparison->table(),
                            .charts = {m_comparison->chart()},
                            .timelineOverview = timelineOverview(m_planView->timeline()->model())};
    for (const ChartView* chart : m_planView->charts()->reportCharts())
        contents.charts.push_back(chart);
    return writeReport(path, m_runner->resultsScenario(), contents);
}

QString MainWindow::suggestedPath(const QString& suffix) const
{
    return suggestedExportPath(m_document->path(), suffix);
}

bool MainWindow::saveTo(const QString& given)
{
    QString path = given;
    if (path.isEmpty())
        path = askSavePath(this, tr("Save scenario"), suggestedPath(".json"), tr("Scenarios (*.json)"));
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

void MainWindow::saveExpandedAs()
{
    const QString path = askSavePath(this, tr("Save expanded as"), suggestedPath("-expanded.json"), tr("Scenarios (*.json)"));
    if (path.isEmpty())
        return;
    Expected<void> saved = m_document->saveExpanded(path);
    if (!saved)
        QMessageBox::critical(this, tr("Cannot save"), QString::fromStdString(saved.error().message));
    else
        statusBar()->showMessage(tr("Wrote the expanded table form to %1; the open scenario keeps its own file.").arg(path),
                                 10000);
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
    const QString name = m_document->path().isEmpty() ? m_untitledName : QFileInfo(m_document->path()).fileName();
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
                openFileInBackground(path);
        });
    m_recentMenu->setEnabled(!m_recentMenu->isEmpty());
}

} // namespace coinfer
