#pragma once
// The main window: the users table on the left, the planners' comparison on the right, and the
// menus, shortcuts, recent files, drag and drop, undo and export around them.

#include "core/model/population.h"
#include "core/model/scenario.h"
#include "core/planning/feasibility.h"
#include "core/planning/planner.h"
#include "core/planning/search.h"
#include "core/util/expected.h"
#include "widgets/document/backgroundjob.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/mainpage.h"

#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QImage>
#include <QList>
#include <QMainWindow>
#include <QMenu>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTabWidget>
#include <QTimer>
#include <QWidget>

#include <map>
#include <string>
#include <variant>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QTableView;

namespace coinfer {

class ComparisonView;
class DnnView;
class OnlineView;
class SweepView;
class PlanView;
class PlanRunner;
class TimelineModel;
class UserTableModel;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    /// Opens a scenario; a bad file shows an error dialog (unless @p quiet) and changes nothing.
    /// The error is the reason as the CLI words it (file, field path, problem).
    Expected<void> openFile(const QString& path, bool quiet = false);
    /// Opens @p path with the reading done on a worker thread (the menu, recent files and drops
    /// use this); emits fileOpened when done, whether or not the file could be read. A bad
    /// file leaves the document as it was and says why.
    void openFileInBackground(const QString& path);
    /// Opens the built-in classroom example.
    void openBuiltInExample();
    /// Opens the shipped example @p file (a name from shippedExamples()): a built-in one as an
    /// untitled scenario, the others from the examples folder. False when it cannot be read.
    bool openExample(const QString& file);
    ScenarioDocument* document() const { return m_document; }
    PlanRunner* runner() const { return m_runner; }
    UserTableModel* userModel() const { return m_model; }
    ComparisonView* comparison() const { return m_comparison; }
    PlanView* planView() const { return m_planView; }
    DnnView* dnnView() const { return m_dnnView; }
    OnlineView* onlineView() const { return m_onlineView; }
    SweepView* sweepView() const { return m_sweepView; }
    /// Opens @p scenario (a sweep's point) in a new window of its own on the Plan page, planned,
    /// as an unsaved document named @p title, showing @p planner's plan (best when empty): the
    /// scenario open here is left as it is.
    MainWindow* openVariant(const Scenario& scenario, const QString& title, const QString& planner = QString());
    /// Shows the plan of the algorithm with this command-line name in the plan view.
    void showPlanOf(const QString& algorithm);
    /// Shows a second plan under the first on the same time axis ("" hides it).
    void compareWith(const QString& algorithm);
    /// Shows @p page.
    void showPage(MainPage page);
    /// Shows the page at tab @p index (MainPage's value: 0 comparison, 1 plan, 2 DNN and edge,
    /// 3 online, 4 sweep).
    void showPage(int index) { showPage(static_cast<MainPage>(index)); }
    /// The page on show.
    MainPage currentPage() const;
    /// Selects one user in the table and in every view.
    void selectUser(int user);
    /// Plans now (background); the same as F5.
    void planNow();
    /// Writes the chosen algorithm's plan (docs/formats.md#plan) as JSON or, for *.csv, per-user CSV.
    Expected<void> exportPlan(const QString& path, const QString& algorithm);
    /// exportPlan, then says how it went: a confirmation in the status bar, or an error dialog.
    bool exportPlanAndSay(const QString& path, const QString& algorithm);
    /// Whether the results on show are for an earlier version of the scenario (an edit since).
    bool resultsAreStale() const { return m_stale; }
    /// The users that cannot meet their deadline under any plan, as of the last planning.
    const std::vector<UserFeasibility>& infeasible() const { return m_infeasible; }
    /// The banner above the comparison (0) or the plan (1) page; hidden when all is current.
    QLabel* banner(int page) const { return page == 0 ? m_comparisonBanner : m_planBanner; }
    /// The users' table.
    QTableView* table() const { return m_table; }
    /// Draws the users of @p spec on a worker thread (a progress dialog with Cancel shows after
    /// 300 ms) and adds them as one undoable step when they arrive; usersGenerated() follows.
    void generateInBackground(const PopulationSpec& spec);
    /// Milliseconds the window waits after an edit before planning again (longer for large scenarios).
    static int replanDelayMs(int users);
    /// Saves every chart of the page on show: @p path itself for one chart, else one file per
    /// chart named path-<chart>.<ext>. Returns the files written.
    Expected<QStringList> exportCharts(const QString& path);
    /// A one-page PDF: the scenario summary, the comparison table and the main charts.
    Expected<void> exportReport(const QString& path);

signals:
    /// Users drawn by generateInBackground() were added to the scenario.
    void usersGenerated();
    /// openFileInBackground has finished with @p path (opened, or refused with a message).
    void fileOpened(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    // The set-up, in the order the constructor runs it.
    /// The users table beside the tabs (comparison, plan, DNN and edge, online).
    QWidget* createCentralWidget();
    /// The plan page: which plan to show, which to compare it with, and the plan view.
    QWidget* createPlanPage();
    void createStatusBar();
    /// Edits re-title the window and, for small scenarios, plan again once they pause.
    void connectDocument();
    /// The runner's progress and results reach the status bar and the views; a file read in the
    /// background is adopted.
    void connectRunner();
    void createFileMenu();
    void createEditMenu();
    void createViewMenu();
    void createPlanMenu();

    /// Asks for an algorithm and a file, then exports that plan.
    void askAndExportPlan();
    /// Opens the generator dialog and adds the users it makes, as one undoable step.
    void generateUsers();
    /// The selected rows of the users table, as rows of the scenario (the table may be sorted).
    QList<int> selectedUsers() const;

    /// Adopts what ScenarioDocument::read gave for @p path, or says why it could not be read.
    bool adoptLoaded(const QString& path, Expected<ScenarioDocument::Loaded> loaded, bool quiet);
    bool maybeSave();
    bool saveTo(const QString& path);
    /// Asks for a file and writes the expanded table form there; the open document is unchanged.
    void saveExpandedAs();
    /// Where a save or export dialog starts: the scenario's folder, its name with @p suffix.
    QString suggestedPath(const QString& suffix) const;
    void updateTitle();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    /// Shows the results that just arrived (@p arrived names them) and updates the status bar.
    void showResults(const std::vector<Algorithm>& arrived);
    /// The status bar: the searches' progress while planning, then the outcome.
    void updateStatus();
    /// Shows the recommended plan on the plan page once every result is in, unless the user
    /// picked another one.
    void showRecommendedPlan();
    /// Every lane of @p model in one picture, for the PDF report. O(segments).
    static QImage timelineOverview(const TimelineModel& model);
    /// While planning: the searches still running, their best plans and bound so far.
    QString planningStatus() const;
    /// After planning: how many plans, how long, and how good the recommended one is.
    QString outcomeStatus() const;
    /// An edit: the results on show no longer match the scenario; say so and plan again soon.
    void markStale();
    /// The banners over the comparison and plan pages: stale results, infeasible users, no users.
    void updateBanners();

    ScenarioDocument* m_document;
    UserTableModel* m_model;
    PlanRunner* m_runner;
    QTableView* m_table;
    ComparisonView* m_comparison;
    PlanView* m_planView;
    DnnView* m_dnnView;
    OnlineView* m_onlineView;
    SweepView* m_sweepView;
    QString m_untitledName; ///< the title of a document without a file
    QComboBox* m_planChoice;
    QComboBox* m_compareChoice;
    QTabWidget* m_tabs = nullptr;
    QTimer* m_replanTimer;
    QMenu* m_recentMenu = nullptr;
    QProgressBar* m_busy;
    QLabel* m_status;
    std::map<Algorithm, SearchProgress> m_searchProgress; ///< of the run in flight
    bool m_runCancelled = false;
    QLabel* m_comparisonBanner = nullptr;
    QLabel* m_planBanner = nullptr;
    bool m_planChoiceFollowsRecommendation = true; ///< until the user picks a plan to show
    bool m_stale = false;                          ///< an edit since the run whose results are on show
    bool m_staleFromOpen = false;                  ///< ... and the edit was another scenario taking the document's place
    bool m_replacing = false;                      ///< between the document's replaced() and edited()
    bool m_editedSincePlanning = false;            ///< an edit since the run in flight started
    bool m_planOutdated = false;                   ///< the plan page shows a plan the current run did not make
    bool m_planShown = false;                      ///< the plan view has drawn some plan since the window opened
    std::vector<UserFeasibility> m_infeasible;
    std::string m_infeasibleSentence;
    Job<ScenarioDocument::Loaded> m_opening; ///< reads a file; a newer open supersedes it
    QString m_openingPath;                   ///< the file m_opening reads
};

} // namespace coinfer
