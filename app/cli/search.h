#pragma once
// The interactive side of the searching planners (best, exact) on the command line: Ctrl-C
// stops a search and keeps its plan, a person watching sees its progress, and one line says
// how it ended.

#include "core/model/plan.h"
#include "core/planning/search.h"

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <string>

#include <signal.h>

namespace coinfer::cli {

/// Set by the first Ctrl-C or SIGTERM while an InterruptCancelsSearch is alive; searches read
/// it as their cancel flag.
extern std::atomic<bool> g_cancelSearch;
/// The signal that set g_cancelSearch (SIGINT or SIGTERM), 0 while none has.
extern std::atomic<int> g_stopSignal;

/// How the stop was asked for: "Ctrl-C" or "SIGTERM".
std::string stopSignalName();
/// How long ago the stopping signal came, as "312 ms (298 ms of CPU)": wall-clock time, and
/// the CPU time this process used since, which a loaded machine does not stretch. Said after
/// a stopped planner returns, so that its reaction is measured apart from reading and writing.
std::string sinceStopSignal();
/// The exit status a shell reports for the stopping signal: 128 + its number (130, 143).
int stopSignalExitStatus();

/// While alive, the first Ctrl-C (SIGINT) or SIGTERM (what Slurm and systemd send at a time
/// limit) asks the running search to stop and return its plan; SA_RESETHAND restores the
/// default action at once, so a second signal of the same kind ends the process.
class InterruptCancelsSearch {
public:
    InterruptCancelsSearch();
    ~InterruptCancelsSearch();
    InterruptCancelsSearch(const InterruptCancelsSearch&) = delete;
    InterruptCancelsSearch& operator=(const InterruptCancelsSearch&) = delete;

private:
    struct sigaction m_previousInterrupt { };
    struct sigaction m_previousTerminate { };
    bool m_installedInterrupt = false;
    bool m_installedTerminate = false;
};

/// Shows a search's incumbent, bound and gap on one rewritten line of @p err, from one second
/// after it started, at most five times a second.
class SearchProgressLine {
public:
    /// @p aloneBoundMj: the bound known before the search reports its own (every user alone).
    SearchProgressLine(std::string name, double aloneBoundMj, std::ostream& err);
    /// Installs the display as @p control's progress callback.
    void attach(SearchControl& control);
    /// Clears the line if anything was shown.
    void finish();

private:
    void show(const SearchProgress& progress);

    std::string m_name;
    double m_aloneBoundMj;
    std::ostream& m_err;
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastShown = m_started;
    bool m_shown = false;
};

/// The search's verdict, one line: "coinfer plan: exact: 12.580 mJ, lower bound 12.100 mJ
/// (gap 3.97%), time limit reached; not proven optimal".
std::string searchVerdict(const std::string& name, const Plan& plan, bool interrupted);

} // namespace coinfer::cli
