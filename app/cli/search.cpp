#include "app/cli/search.h"

#include "app/cli/common.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <ostream>
#include <utility>

#include <time.h>

namespace coinfer::cli {

std::atomic<bool> g_cancelSearch{false};
std::atomic<int> g_stopSignal{0};

namespace {

// When the stopping signal came, in ns of CLOCK_MONOTONIC and CLOCK_PROCESS_CPUTIME_ID.
std::atomic<long long> g_signalWallNs{0};
std::atomic<long long> g_signalCpuNs{0};

long long clockNs(clockid_t clock)
{
    timespec now{};
    clock_gettime(clock, &now); // async-signal-safe (POSIX), so the handler may call it
    return static_cast<long long>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

extern "C" void onSearchInterrupt(int signal)
{
    g_signalWallNs.store(clockNs(CLOCK_MONOTONIC));
    g_signalCpuNs.store(clockNs(CLOCK_PROCESS_CPUTIME_ID));
    g_stopSignal.store(signal);
    g_cancelSearch.store(true);
}

/// Catches @p signal once, keeping the previous action in @p previous; false when the process
/// was started with it ignored (a background job of a script, nohup), which it keeps ignoring.
bool catchOnce(int signal, struct sigaction& previous)
{
    sigaction(signal, nullptr, &previous);
    if (previous.sa_handler == SIG_IGN)
        return false;
    struct sigaction action { };
    action.sa_handler = onSearchInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(signal, &action, nullptr);
    return true;
}

} // namespace

std::string stopSignalName()
{
    return g_stopSignal.load() == SIGTERM ? "SIGTERM" : "Ctrl-C";
}

std::string sinceStopSignal()
{
    const long long wallNs = clockNs(CLOCK_MONOTONIC) - g_signalWallNs.load();
    const long long cpuNs = clockNs(CLOCK_PROCESS_CPUTIME_ID) - g_signalCpuNs.load();
    return format("%lld ms (%lld ms of CPU)", wallNs / 1'000'000, cpuNs / 1'000'000);
}

int stopSignalExitStatus()
{
    return 128 + (g_stopSignal.load() == SIGTERM ? SIGTERM : SIGINT);
}

InterruptCancelsSearch::InterruptCancelsSearch()
{
    g_cancelSearch = false;
    g_stopSignal = 0;
    m_installedInterrupt = catchOnce(SIGINT, m_previousInterrupt);
    m_installedTerminate = catchOnce(SIGTERM, m_previousTerminate);
}

InterruptCancelsSearch::~InterruptCancelsSearch()
{
    if (m_installedInterrupt)
        sigaction(SIGINT, &m_previousInterrupt, nullptr);
    if (m_installedTerminate)
        sigaction(SIGTERM, &m_previousTerminate, nullptr);
}

SearchProgressLine::SearchProgressLine(std::string name, double aloneBoundMj, std::ostream& err)
    : m_name(std::move(name)), m_aloneBoundMj(aloneBoundMj), m_err(err)
{
}

void SearchProgressLine::attach(SearchControl& control)
{
    m_started = m_lastShown = std::chrono::steady_clock::now();
    control.progress = [this](const SearchProgress& progress) { show(progress); };
}

void SearchProgressLine::show(const SearchProgress& progress)
{
    const auto now = std::chrono::steady_clock::now();
    if (now - m_started < std::chrono::seconds(1) || now - m_lastShown < std::chrono::milliseconds(200))
        return;
    m_lastShown = now;
    const double elapsedS = std::chrono::duration<double>(now - m_started).count();
    // The search reports 0 until its own bound is known; every user's cheapest option alone is
    // a proven bound from the start.
    const double boundMj = std::max(m_aloneBoundMj, progress.lowerBoundMj);
    if (std::isfinite(progress.incumbentMj))
        m_err << format("\r  %s: %.3f mJ, bound %.3f mJ (gap %.2f%%), %.1f s; Ctrl-C keeps this plan ", m_name.c_str(),
                        progress.incumbentMj, boundMj,
                        boundMj > 0 ? std::max(0.0, 100 * (progress.incumbentMj - boundMj) / boundMj) : 0.0, elapsedS);
    else
        m_err << format("\r  %s: no plan yet, bound %.3f mJ, %.1f s ", m_name.c_str(), boundMj, elapsedS);
    m_err << std::flush;
    m_shown = true;
}

void SearchProgressLine::finish()
{
    if (m_shown)
        m_err << "\r\033[K" << std::flush;
    m_shown = false;
}

std::string searchVerdict(const std::string& name, const Plan& plan, bool interrupted)
{
    const std::string end = interrupted ? "stopped by " + stopSignalName() : plan.searchEnd;
    if (!plan.feasible)
        return format("coinfer plan: %s: found no plan that meets every deadline, lower bound %.3f mJ, %s\n", name.c_str(),
                      plan.lowerBoundMj, end.c_str());
    const double gap = gapPercent(plan);
    const std::string gapText = std::isfinite(gap) ? format("gap %.2f%%", gap) : "gap unknown";
    return format("coinfer plan: %s: %.3f mJ, lower bound %.3f mJ (%s), %s; %s\n", name.c_str(), plan.totalEnergyMj,
                  plan.lowerBoundMj, gapText.c_str(), end.c_str(), plan.provenOptimal ? "proven optimal" : "not proven optimal");
}

} // namespace coinfer::cli
