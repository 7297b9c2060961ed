#include "app/cli.h"

#include "core/model/costmodel.h"
#include "core/learning/ddpg.h"
#include "core/dnn/dnn.h"
#include "core/online/online.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/fileio.h"
#include "core/io/planio.h"
#include "core/planning/planner.h"
#include "core/io/scenarioio.h"
#include "core/simulation/simulator.h"
#include "core/io/dnnio.h"
#include "core/io/profileio.h"
#include "gpu/profiler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <ostream>

#include <signal.h>
#include <unistd.h>

namespace coinfer {
namespace {

const char* const kUsage = R"(coinfer: plan multi-user co-inference with a batching edge GPU

Usage:
  coinfer plan SCENARIO.json [--algorithm ALG] [--time-limit-ms MS] [--output PLAN.json] [--format json|table]
      Plan the scenario and write the plan (JSON to stdout unless --output is given).
      ALG is one of local, full-offload, no-batching, ip-ssa, og, best (default), exact.
      best: the least-energy plan found within a fixed work budget (the same plan every run;
      the time limit, default 1000 ms, is a safety stop), never above any other planner's
      feasible plan. exact: branch and bound over every partition and
      batch schedule (default limit 10000 ms). Both print to stderr whether the plan is proven
      optimal, its lower bound and gap; Ctrl-C stops the search and keeps its plan.
  coinfer verify SCENARIO.json PLAN.json
      Re-time a plan and list every constraint it breaks; exit 0 only if it is feasible.
  coinfer compare SCENARIO.json [--time-limit-ms MS]
      Run every planner and print energy, saving, batches, feasibility, time, each plan's
      lower bound and its gap to the strongest bound of all (best and exact stop after MS,
      default 1000 and 2000 ms).
  coinfer expand SCENARIO.json [--output FILE.json]
      Write the scenario in the plain table form (device models and populations expanded).
  coinfer dnn list
  coinfer dnn show DNN [--format table|json]
      The built-in DNNs; one DNN's sub-tasks with FLOPs, parameters and output sizes.
      DNN is a built-in name (mobilenetv2, resnet18, vgg16) or a "coinfer-dnn" JSON file.
  coinfer profile --dnn DNN [--max-batch 32] [--warmup 10] [--repetitions 50] [--launch graph|eager] [--output FILE.json]
      Measure every sub-task's GPU latency for batch sizes 1..max-batch with CUDA (cuDNN,
      cuBLAS) and write a GPU profile that scenarios can reference. graph (the default) times
      replays of each sub-task captured as a CUDA graph; eager launches every call each run.
  coinfer profile check
      Run small layers on the GPU and on the CPU reference and compare their outputs.
  coinfer profile show PROFILE.json | coinfer profile diff A.json B.json
      Print a profile's curves; compare two measurements of the same DNN (repeatability).
  coinfer simulate SCENARIO.json [--planner og|ip-ssa] [--policy POLICY] [--episodes K] [--seed S] [--format table|json]
      Online mode: run K seeded arrival traces with a dispatch POLICY: immediate, periodic:<ms>,
      threshold:<0..1>, ddpg:<policy.json> or local; report energy per task, deadline misses,
      mean batch size, GPU utilisation and the saving against local computing.
  coinfer train SCENARIO.json [--planner og|ip-ssa] [--episodes E] [--seed S] --output POLICY.json
      Train a DDPG dispatch policy (Ctrl-C stops and keeps the best policy so far).
  coinfer compare-online SCENARIO.json [--episodes E] [--test-episodes K] [--seed S]
      Train DDPG-OG and DDPG-IP-SSA, then compare them with immediate, periodic, the best fixed
      threshold (grid search) and local computing on the same seeded test traces.
  coinfer --help | --version

Exit status: 0 success; 1 verify (or profile check) found a broken constraint; 2 bad command line or input file;
3 no feasible plan (the message names the users that miss their deadline); 4 profile found
no usable GPU, or this build has no CUDA.
)";

struct Options {
    std::vector<std::string> positional;
    std::map<std::string, std::string> named;
};

std::optional<Options> parseOptions(const std::vector<std::string>& args, size_t from,
                                    const std::vector<std::string>& allowed, std::ostream& err)
{
    Options options;
    for (size_t i = from; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0) {
            options.positional.push_back(arg);
            continue;
        }
        std::string name = arg, value;
        const size_t eq = arg.find('=');
        if (eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            err << "coinfer: " << arg << " needs a value\n";
            return std::nullopt;
        }
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            err << "coinfer: unknown option " << name << " (see coinfer --help)\n";
            return std::nullopt;
        }
        options.named[name] = value;
    }
    return options;
}

int fail(std::ostream& err, const Error& error)
{
    err << "coinfer: " << error.message << "\n";
    switch (error.code) {
    case ErrorCode::Infeasible: return kExitInfeasible;
    case ErrorCode::NoDevice: return kExitNoDevice;
    default: return kExitBadInput;
    }
}

int emit(const std::string& text, const Options& options, std::ostream& out, std::ostream& err)
{
    auto output = options.named.find("--output");
    if (output == options.named.end()) {
        out << text;
        return kExitOk;
    }
    Expected<void> written = writeFileAtomically(output->second, text);
    return written ? kExitOk : fail(err, written.error());
}

/// Default wall-clock limits of the searching planners (SearchControl::timeLimitMs).
constexpr double kBestTimeLimitMs = 1000;
constexpr double kExactPlanTimeLimitMs = 10000;
constexpr double kExactCompareTimeLimitMs = 2000;

bool isSearch(Algorithm algorithm) { return algorithm == Algorithm::Best || algorithm == Algorithm::Exact; }

/// --time-limit-ms as given: nullopt when absent; NaN (after a message on @p err) when it is not
/// a positive finite number of milliseconds.
std::optional<double> timeLimitOption(const Options& options, const char* command, std::ostream& err)
{
    const auto it = options.named.find("--time-limit-ms");
    if (it == options.named.end())
        return std::nullopt;
    const std::string& text = it->second;
    char* end = nullptr;
    // Plain decimal only: strtod alone would also take leading spaces and hexadecimal.
    const bool decimal = !text.empty() && text.find_first_not_of("0123456789.eE+-") == std::string::npos;
    const double value = decimal ? std::strtod(text.c_str(), &end) : NAN;
    if (decimal && end == text.c_str() + text.size() && std::isfinite(value) && value > 0)
        return value;
    err << command << ": --time-limit-ms must be a positive number of milliseconds, not '" << text << "'\n";
    return NAN;
}

std::atomic<bool> g_cancelSearch{false};

extern "C" void onSearchInterrupt(int) { g_cancelSearch.store(true); }

/// While alive, the first Ctrl-C (SIGINT) asks the running search to stop and return its plan;
/// SA_RESETHAND restores the default action at once, so a second Ctrl-C ends the process.
class InterruptCancelsSearch {
public:
    InterruptCancelsSearch()
    {
        g_cancelSearch = false;
        sigaction(SIGINT, nullptr, &m_previous);
        // A process started with Ctrl-C ignored (a background job of a script, nohup) keeps ignoring it.
        if (m_previous.sa_handler == SIG_IGN)
            return;
        struct sigaction action {};
        action.sa_handler = onSearchInterrupt;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(SIGINT, &action, nullptr);
        m_installed = true;
    }
    ~InterruptCancelsSearch()
    {
        if (m_installed)
            sigaction(SIGINT, &m_previous, nullptr);
    }
    InterruptCancelsSearch(const InterruptCancelsSearch&) = delete;
    InterruptCancelsSearch& operator=(const InterruptCancelsSearch&) = delete;

private:
    struct sigaction m_previous {};
    bool m_installed = false;
};

/// The search's verdict, one line: "coinfer plan: exact: 12.580 mJ, lower bound 12.100 mJ
/// (gap 3.97%), time limit reached; not proven optimal".
std::string searchVerdict(const std::string& name, const Plan& plan, bool interrupted)
{
    const std::string end = interrupted ? "stopped by Ctrl-C" : plan.searchEnd;
    char line[320];
    if (!plan.feasible) {
        std::snprintf(line, sizeof line, "coinfer plan: %s: found no plan that meets every deadline, lower bound %.3f mJ, %s\n",
                      name.c_str(), plan.lowerBoundMj, end.c_str());
        return line;
    }
    const double gap = gapPercent(plan);
    char gapText[40] = "gap unknown";
    if (std::isfinite(gap))
        std::snprintf(gapText, sizeof gapText, "gap %.2f%%", gap);
    std::snprintf(line, sizeof line, "coinfer plan: %s: %.3f mJ, lower bound %.3f mJ (%s), %s; %s\n", name.c_str(), plan.totalEnergyMj,
                  plan.lowerBoundMj, gapText, end.c_str(), plan.provenOptimal ? "proven optimal" : "not proven optimal");
    return line;
}

int commandPlan(const Options& options, std::ostream& out, std::ostream& err)
{
    if (options.positional.size() != 1) {
        err << "coinfer plan: give exactly one scenario file (see coinfer --help)\n";
        return kExitBadInput;
    }
    const auto algorithmOption = options.named.find("--algorithm");
    const std::string name = algorithmOption == options.named.end() ? "best" : algorithmOption->second;
    const std::optional<Algorithm> algorithm = algorithmFromName(name);
    if (!algorithm) {
        err << "coinfer plan: unknown algorithm '" << name << "'; use local, full-offload, no-batching, ip-ssa, og, best or exact\n";
        return kExitBadInput;
    }
    const auto formatOption = options.named.find("--format");
    const std::string format = formatOption == options.named.end() ? "json" : formatOption->second;
    if (format != "json" && format != "table") {
        err << "coinfer plan: --format must be json or table, not '" << format << "'\n";
        return kExitBadInput;
    }
    const std::optional<double> timeLimitMs = timeLimitOption(options, "coinfer plan", err);
    if (timeLimitMs && std::isnan(*timeLimitMs))
        return kExitBadInput;
    // Accepting a limit that would be silently ignored would let a user believe it applied.
    if (timeLimitMs && !isSearch(*algorithm)) {
        err << "coinfer plan: --time-limit-ms applies to best and exact only, not to " << name << "\n";
        return kExitBadInput;
    }
    Expected<Scenario> scenario = readScenario(options.positional[0]);
    if (!scenario)
        return fail(err, scenario.error());
    const CostModel model(*scenario);

    PlanOptions planOptions;
    SearchControl& control = planOptions.control;
    control.timeLimitMs = timeLimitMs.value_or(*algorithm == Algorithm::Exact ? kExactPlanTimeLimitMs : kBestTimeLimitMs);
    control.cancel = &g_cancelSearch;
    // Progress only for a person watching: not in pipes, logs or in-process callers.
    const bool showProgress = isSearch(*algorithm) && &err == &std::cerr && isatty(STDERR_FILENO);
    bool progressShown = false;
    const auto started = std::chrono::steady_clock::now();
    auto lastShown = started;
    if (showProgress) {
        // The search reports 0 until its own bound is known; every user's cheapest option alone
        // is a proven bound from the start.
        const double aloneBoundMj = model.aloneLowerBoundMj();
        control.progress = [&, aloneBoundMj](const SearchProgress& progress) {
            const auto now = std::chrono::steady_clock::now();
            if (now - started < std::chrono::seconds(1) || now - lastShown < std::chrono::milliseconds(200))
                return;
            lastShown = now;
            const double elapsedS = std::chrono::duration<double>(now - started).count();
            const double boundMj = std::max(aloneBoundMj, progress.lowerBoundMj);
            char line[200];
            if (std::isfinite(progress.incumbentMj))
                std::snprintf(line, sizeof line, "\r  %s: %.3f mJ, bound %.3f mJ (gap %.2f%%), %.1f s; Ctrl-C keeps this plan ",
                              name.c_str(), progress.incumbentMj, boundMj,
                              boundMj > 0 ? std::max(0.0, 100 * (progress.incumbentMj - boundMj) / boundMj) : 0.0, elapsedS);
            else
                std::snprintf(line, sizeof line, "\r  %s: no plan yet, bound %.3f mJ, %.1f s ", name.c_str(), boundMj, elapsedS);
            err << line << std::flush;
            progressShown = true;
        };
    }
    std::vector<Violation> violations;
    Expected<Plan> plan = [&] {
        std::optional<InterruptCancelsSearch> interrupts;
        if (isSearch(*algorithm))
            interrupts.emplace();
        return makePlan(*scenario, model, *algorithm, &violations, planOptions);
    }();
    if (progressShown)
        err << "\r\033[K" << std::flush;
    if (!plan)
        return fail(err, plan.error());
    const int written = emit(format == "json" ? planToJson(*scenario, *plan) : planToTable(*scenario, *plan), options, out, err);
    if (written != kExitOk)
        return written;
    if (isSearch(*algorithm))
        err << searchVerdict(name, *plan, g_cancelSearch.load());
    if (!plan->feasible) {
        err << "coinfer plan: " << name << " finds no plan that meets every deadline";
        const std::string late = lateUsers(*scenario, *plan);
        if (!late.empty())
            err << "; late: " << late;
        err << "\n";
        for (const Violation& violation : violations)
            err << "  " << violation.message << "\n";
        return kExitInfeasible;
    }
    return kExitOk;
}

int commandVerify(const Options& options, std::ostream& out, std::ostream& err)
{
    if (options.positional.size() != 2) {
        err << "coinfer verify: give a scenario file and a plan file (see coinfer --help)\n";
        return kExitBadInput;
    }
    Expected<Scenario> scenario = readScenario(options.positional[0]);
    if (!scenario)
        return fail(err, scenario.error());
    Expected<std::string> text = readTextFile(options.positional[1]);
    if (!text)
        return fail(err, text.error());
    Expected<Plan> plan = parsePlan(*text, options.positional[1], *scenario);
    if (!plan)
        return fail(err, plan.error());
    const CostModel model(*scenario);
    const std::vector<Violation> violations = verifyPlan(*scenario, model, *plan);
    if (violations.empty()) {
        // A stated bound above a feasible plan's energy cannot be a true lower bound; the file's
        // bound is not ours to prove, so it is only reported.
        if (std::isfinite(plan->lowerBoundMj) && plan->lowerBoundMj > plan->totalEnergyMj * (1 + 1e-9) + 1e-9) {
            char warning[300];
            std::snprintf(warning, sizeof warning,
                          "coinfer verify: warning: %s: lower_bound_mj %.6f mJ is above the plan's total %.6f mJ, so it is not a "
                          "valid lower bound\n",
                          options.positional[1].c_str(), plan->lowerBoundMj, plan->totalEnergyMj);
            err << warning;
        }
        char line[200];
        std::snprintf(line, sizeof line, "feasible: %zu users meet their deadlines; total %.6f mJ\n", plan->users.size(),
                      plan->totalEnergyMj);
        out << line;
        return kExitOk;
    }
    out << "infeasible: " << violations.size() << " broken constraint(s)\n";
    for (const Violation& violation : violations)
        out << "  " << violation.message << "\n";
    return kExitPlanBroken;
}

int commandCompare(const Options& options, std::ostream& out, std::ostream& err)
{
    if (options.positional.size() != 1) {
        err << "coinfer compare: give exactly one scenario file\n";
        return kExitBadInput;
    }
    const std::optional<double> timeLimitMs = timeLimitOption(options, "coinfer compare", err);
    if (timeLimitMs && std::isnan(*timeLimitMs))
        return kExitBadInput;
    Expected<Scenario> scenario = readScenario(options.positional[0]);
    if (!scenario)
        return fail(err, scenario.error());
    const CostModel model(*scenario);
    struct Row {
        Algorithm algorithm;
        std::optional<Plan> plan; ///< none when the planner refused the scenario as too large
        double elapsedMs = 0;
    };
    std::vector<Row> rows;
    for (Algorithm algorithm : allAlgorithms()) {
        PlanOptions planOptions;
        if (isSearch(algorithm))
            planOptions.control.timeLimitMs =
                timeLimitMs.value_or(algorithm == Algorithm::Exact ? kExactCompareTimeLimitMs : kBestTimeLimitMs);
        const auto start = std::chrono::steady_clock::now();
        Expected<Plan> plan = makePlan(*scenario, model, algorithm, nullptr, planOptions);
        const double elapsedMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (!plan && plan.error().code != ErrorCode::TooLarge)
            return fail(err, plan.error());
        rows.push_back({algorithm, plan ? std::optional<Plan>(std::move(*plan)) : std::nullopt, elapsedMs});
    }
    // Every bound is proven for the same scenario, so the largest one holds for all plans.
    double strongestMj = NAN;
    for (const Row& row : rows)
        if (row.plan && std::isfinite(row.plan->lowerBoundMj) && !(row.plan->lowerBoundMj <= strongestMj))
            strongestMj = row.plan->lowerBoundMj;
    char line[256];
    std::snprintf(line, sizeof line, "%-13s %14s %9s %8s %9s %10s %14s %8s\n", "algorithm", "energy_mJ", "saving_%", "batches",
                  "feasible", "time_ms", "bound_mJ", "gap_%");
    out << line;
    for (const Row& row : rows) {
        const std::string name = algorithmName(row.algorithm);
        if (!row.plan) {
            std::snprintf(line, sizeof line, "%-13s %14s %9s %8s %9s %10s %14s %8s\n", name.c_str(), "-", "-", "-", "too big", "-", "-",
                          "-");
            out << line;
            continue;
        }
        const Plan& plan = *row.plan;
        Plan againstStrongest = plan;
        againstStrongest.lowerBoundMj = strongestMj;
        const double gap = gapPercent(againstStrongest);
        char bound[32] = "-", gapText[32] = "-";
        if (std::isfinite(plan.lowerBoundMj))
            std::snprintf(bound, sizeof bound, "%.3f", plan.lowerBoundMj);
        if (std::isfinite(gap))
            std::snprintf(gapText, sizeof gapText, "%.2f", gap);
        std::snprintf(line, sizeof line, "%-13s %14.3f %9.2f %8zu %9s %10.2f %14s %8s\n", name.c_str(), plan.totalEnergyMj,
                      plan.savingPercent, plan.batches.size(), plan.feasible ? "yes" : "NO", row.elapsedMs, bound, gapText);
        out << line;
    }
    if (std::isfinite(strongestMj)) {
        std::snprintf(line, sizeof line, "gap_%% is to the strongest lower bound of all rows, %.3f mJ\n", strongestMj);
        out << line;
    }
    // Best is the recommendation unless a plan beside it meets every deadline for less.
    const Row* recommended = nullptr;
    for (const Row& row : rows) {
        if (!row.plan || !row.plan->feasible)
            continue;
        const double energy = row.plan->totalEnergyMj;
        if (!recommended || energy < recommended->plan->totalEnergyMj * (1 - 1e-9)
            || (row.algorithm == Algorithm::Best && energy <= recommended->plan->totalEnergyMj * (1 + 1e-9)))
            recommended = &row;
    }
    if (recommended)
        out << "recommended: " << algorithmName(recommended->algorithm) << "\n";
    for (const Row& row : rows)
        if (row.plan && !row.plan->searchEnd.empty() && row.plan->searchEnd != searchEndName(SearchEnd::Completed))
            out << algorithmName(row.algorithm) << ": " << row.plan->searchEnd
                << (row.plan->provenOptimal ? "; proven optimal\n" : "; not proven optimal\n");
    return kExitOk;
}

int commandExpand(const Options& options, std::ostream& out, std::ostream& err)
{
    if (options.positional.size() != 1) {
        err << "coinfer expand: give exactly one scenario file\n";
        return kExitBadInput;
    }
    Expected<Scenario> scenario = readScenario(options.positional[0]);
    if (!scenario)
        return fail(err, scenario.error());
    return emit(scenarioToJson(*scenario), options, out, err);
}

std::string shapeText(const TensorShape& shape)
{
    return std::to_string(shape.c) + "x" + std::to_string(shape.h) + "x" + std::to_string(shape.w);
}

int commandDnn(const Options& options, std::ostream& out, std::ostream& err)
{
    if (options.positional.size() == 1 && options.positional[0] == "list") {
        for (const std::string& name : builtinDnnNames()) {
            const DnnDescription dnn = *builtinDnn(name);
            out << name << ": " << dnn.subtasks.size() << " sub-tasks, input " << shapeText(dnn.input) << "\n";
        }
        return kExitOk;
    }
    if (options.positional.size() != 2 || options.positional[0] != "show") {
        err << "coinfer dnn: use 'coinfer dnn list' or 'coinfer dnn show DNN' (see coinfer --help)\n";
        return kExitBadInput;
    }
    Expected<DnnDescription> dnn = loadDnn(options.positional[1]);
    if (!dnn)
        return fail(err, dnn.error());
    const auto formatOption = options.named.find("--format");
    const std::string format = formatOption == options.named.end() ? "table" : formatOption->second;
    if (format == "json") {
        out << dnnDescriptionToJson(*dnn);
        return kExitOk;
    }
    if (format != "table") {
        err << "coinfer dnn show: --format must be table or json, not '" << format << "'\n";
        return kExitBadInput;
    }
    const std::vector<SubtaskStats> stats = *analyzeDnn(*dnn);
    char line[256];
    std::snprintf(line, sizeof line, "%3s  %-36s %12s %12s %11s %14s %13s\n", "n", "sub-task", "MFLOPs", "MMACs", "params",
                  "output", "output_bytes");
    out << line;
    double flops = 0, macs = 0;
    long long parameters = 0;
    for (size_t n = 0; n < stats.size(); ++n) {
        const SubtaskStats& s = stats[n];
        std::snprintf(line, sizeof line, "%3zu  %-36.36s %12.2f %12.2f %11lld %14s %13.0f\n", n + 1, s.name.c_str(), s.flops / 1e6,
                      s.macs / 1e6, s.parameters, shapeText(s.output).c_str(), s.outputBytes);
        out << line;
        flops += s.flops;
        macs += s.macs;
        parameters += s.parameters;
    }
    std::snprintf(line, sizeof line, "\n%s: input %s (%lld bytes), %.2f GFLOPs, %.3f GMACs, %lld parameters, signature %s\n",
                  dnn->name.c_str(), shapeText(dnn->input).c_str(), dnn->input.elements() * dnn->inputElementBytes, flops / 1e9,
                  macs / 1e9, parameters, dnnSignature(*dnn).c_str());
    out << line;
    return kExitOk;
}

std::optional<int> intOption(const Options& options, const char* name, int fallback, int min, int max, std::ostream& err)
{
    auto it = options.named.find(name);
    if (it == options.named.end())
        return fallback;
    try {
        size_t used = 0;
        const int value = std::stoi(it->second, &used);
        if (used == it->second.size() && value >= min && value <= max)
            return value;
    } catch (const std::exception&) {
    }
    err << "coinfer: " << name << " must be an integer from " << min << " to " << max << ", not '" << it->second << "'\n";
    return std::nullopt;
}

int commandGpuCheck(std::ostream& out, std::ostream& err)
{
    // Asking for the GPU first gives "no CUDA device" rather than the first library's complaint.
    Expected<GpuInfo> device = gpu::queryGpu();
    if (!device)
        return fail(err, device.error());
    out << "GPU: " << device->name << " (compute capability " << device->computeCapability << ", CUDA " << device->cudaRuntimeVersion
        << ", cuDNN " << device->cudnnVersion << ", cuBLAS " << device->cublasVersion << ")\n";
    Expected<std::vector<gpu::LayerCheck>> checks = gpu::checkAgainstCpu();
    if (!checks)
        return fail(err, checks.error());
    bool passed = true;
    char line[200];
    for (const gpu::LayerCheck& check : *checks) {
        std::snprintf(line, sizeof line, "%-44s batch %d, %-10s max |gpu - cpu| %.3g, scaled %.3g  %s\n", check.subtask.c_str(),
                      check.batch, check.cudaGraph ? "CUDA graph" : "eager", check.maxAbsError, check.maxScaledError,
                      check.passed ? "ok" : "FAILED");
        out << line;
        passed = passed && check.passed;
    }
    out << (passed ? "the GPU layers match the CPU reference\n" : "some GPU layers differ from the CPU reference\n");
    return passed ? kExitOk : kExitPlanBroken;
}

int commandProfileShow(const std::string& path, std::ostream& out, std::ostream& err)
{
    Expected<GpuProfile> profile = readGpuProfile(path);
    if (!profile)
        return fail(err, profile.error());
    out << profile->dnnName << " on " << profile->gpu.name << " (compute capability " << profile->gpu.computeCapability << ", CUDA "
        << profile->gpu.cudaRuntimeVersion << ", cuDNN " << profile->gpu.cudnnVersion << "), measured " << profile->measuredAt << ", "
        << profile->precision << ", " << profile->launch << " launch, median of " << profile->repetitions << " runs\n";
    char line[256];
    std::snprintf(line, sizeof line, "%3s  %-36s %10s %10s %10s %10s %10s %6s\n", "n", "sub-task", "tau(1)", "tau(B/2)", "tau(B)",
                  "alpha", "beta", "r2");
    out << line;
    for (size_t n = 0; n < profile->subtasks.size(); ++n) {
        const SubtaskProfile& s = profile->subtasks[n];
        std::snprintf(line, sizeof line, "%3zu  %-36.36s %10.4f %10.4f %10.4f %10.4f %10.5f %6.3f\n", n + 1, s.name.c_str(), s.medianMs.front(),
                      s.medianMs[s.medianMs.size() / 2], s.medianMs.back(), s.affine.alphaMs, s.affine.betaMs, s.affine.r2);
        out << line;
    }
    out << "(ms; B = " << profile->maxBatch() << ")\n";
    return kExitOk;
}

int commandProfileDiff(const std::string& first, const std::string& second, std::ostream& out, std::ostream& err)
{
    Expected<GpuProfile> a = readGpuProfile(first);
    if (!a)
        return fail(err, a.error());
    Expected<GpuProfile> b = readGpuProfile(second);
    if (!b)
        return fail(err, b.error());
    if (a->subtasks.size() != b->subtasks.size() || a->maxBatch() != b->maxBatch() || a->dnnSignature != b->dnnSignature) {
        err << "coinfer profile diff: the two profiles measured different DNNs or batch ranges\n";
        return kExitBadInput;
    }
    double worst = 0, sum = 0;
    int cells = 0;
    char line[200];
    for (size_t n = 0; n < a->subtasks.size(); ++n) {
        double subtaskWorst = 0;
        for (int i = 0; i < a->maxBatch(); ++i) {
            const double x = a->subtasks[n].medianMs[static_cast<size_t>(i)], y = b->subtasks[n].medianMs[static_cast<size_t>(i)];
            const double spread = std::fabs(x - y) / std::max(1e-12, 0.5 * (x + y));
            subtaskWorst = std::max(subtaskWorst, spread);
            sum += spread;
            ++cells;
        }
        worst = std::max(worst, subtaskWorst);
        std::snprintf(line, sizeof line, "%3zu  %-36.36s largest difference of medians %.2f%%\n", n + 1, a->subtasks[n].name.c_str(),
                      100 * subtaskWorst);
        out << line;
    }
    std::snprintf(line, sizeof line, "over %d (sub-task, batch size) pairs: mean %.2f%%, largest %.2f%%\n", cells, 100 * sum / cells, 100 * worst);
    out << line;
    return kExitOk;
}

int commandProfile(const Options& options, std::ostream& out, std::ostream& err)
{
    if (options.positional.size() == 1 && options.positional[0] == "check")
        return commandGpuCheck(out, err);
    if (options.positional.size() == 2 && options.positional[0] == "show")
        return commandProfileShow(options.positional[1], out, err);
    if (options.positional.size() == 3 && options.positional[0] == "diff")
        return commandProfileDiff(options.positional[1], options.positional[2], out, err);
    auto dnnOption = options.named.find("--dnn");
    if (dnnOption == options.named.end() || !options.positional.empty()) {
        err << "coinfer profile: give --dnn NAME or --dnn FILE (see coinfer --help)\n";
        return kExitBadInput;
    }
    gpu::ProfileOptions settings;
    const auto maxBatch = intOption(options, "--max-batch", 32, 1, 4096, err);
    const auto warmup = intOption(options, "--warmup", 10, 0, 100000, err);
    const auto repetitions = intOption(options, "--repetitions", 50, 1, 100000, err);
    if (!maxBatch || !warmup || !repetitions)
        return kExitBadInput;
    settings.maxBatch = *maxBatch;
    settings.warmup = *warmup;
    settings.repetitions = *repetitions;
    if (auto launch = options.named.find("--launch"); launch != options.named.end()) {
        if (launch->second != "graph" && launch->second != "eager") {
            err << "coinfer profile: --launch must be graph or eager, not '" << launch->second << "'\n";
            return kExitBadInput;
        }
        settings.cudaGraphs = launch->second == "graph";
    }
    Expected<DnnDescription> dnn = loadDnn(dnnOption->second);
    if (!dnn)
        return fail(err, dnn.error());
    Expected<GpuInfo> device = gpu::queryGpu();
    if (!device)
        return fail(err, device.error());
    err << "coinfer profile: " << dnn->name << " on " << device->name << " (compute capability " << device->computeCapability
        << "), batch sizes 1.." << settings.maxBatch << ", " << settings.warmup << " warm-up and " << settings.repetitions
        << " timed runs each, " << (settings.cudaGraphs ? "replayed as CUDA graphs" : "launched eagerly") << "\n";
    const auto started = std::chrono::steady_clock::now();
    settings.progress = [&](int done, int total) {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double left = done > 0 ? elapsed / done * (total - done) : 0.0;
        char line[160];
        std::snprintf(line, sizeof line, "\r  %d/%d (%3.0f%%), about %.0f s left   ", done, total, 100.0 * done / total, left);
        err << line << std::flush;
        return true;
    };
    Expected<GpuProfile> profile = gpu::profileDnn(*dnn, settings);
    err << "\n";
    if (!profile)
        return fail(err, profile.error());
    return emit(gpuProfileToJson(*profile), options, out, err);
}

std::optional<OnlinePlanner> plannerOption(const Options& options, std::ostream& err)
{
    auto it = options.named.find("--planner");
    const std::string name = it == options.named.end() ? "og" : it->second;
    if (name == "og")
        return OnlinePlanner::Og;
    if (name == "ip-ssa")
        return OnlinePlanner::IpSsa;
    err << "coinfer: --planner must be og or ip-ssa, not '" << name << "'\n";
    return std::nullopt;
}

Expected<Scenario> onlineScenario(const Options& options, const char* command)
{
    if (options.positional.size() != 1)
        return Unexpected(Error{ErrorCode::BadInput, std::string(command) + ": give exactly one scenario file"});
    Expected<Scenario> scenario = readScenario(options.positional[0]);
    if (scenario && !scenario->online.present)
        return Unexpected(Error{ErrorCode::BadInput, options.positional[0] + ": online: is missing (online mode needs slot_ms, horizon_ms and "
                                              "an arrival process; see examples/online.json)"});
    return scenario;
}

std::string resultLine(const std::string& name, const OnlineResult& r)
{
    char line[256];
    std::snprintf(line, sizeof line, "%-22s %11.3f %8d %9.2f %9.2f %9.1f %8d\n", name.c_str(), r.energyPerTaskMj(), r.misses,
                  r.meanBatchSize(), 100 * r.gpuUtilisation(), r.savingPercent(), r.tasks);
    return line;
}

std::string resultHeader()
{
    char line[200];
    std::snprintf(line, sizeof line, "%-22s %11s %8s %9s %9s %9s %8s\n", "policy", "mJ_per_task", "misses", "batch", "gpu_%",
                  "saving_%", "tasks");
    return line;
}

int commandSimulate(const Options& options, std::ostream& out, std::ostream& err)
{
    const auto planner = plannerOption(options, err);
    const auto episodes = intOption(options, "--episodes", 5, 1, 100000, err);
    const auto seed = intOption(options, "--seed", -1, -1, 2'000'000'000, err);
    if (!planner || !episodes || !seed)
        return kExitBadInput;
    Expected<Scenario> scenario = onlineScenario(options, "coinfer simulate");
    if (!scenario)
        return fail(err, scenario.error());
    auto policyOption = options.named.find("--policy");
    const std::string spec = policyOption == options.named.end() ? "immediate" : policyOption->second;
    DispatchPolicy policy;
    bool local = false;
    try {
        if (spec == "immediate") {
            policy = immediatePolicy();
        } else if (spec == "local") {
            local = true;
        } else if (spec.rfind("periodic:", 0) == 0) {
            const double period = std::stod(spec.substr(9));
            if (!(period > 0))
                throw std::invalid_argument("period");
            policy = periodicPolicy(period, scenario->online.slotMs);
        } else if (spec.rfind("threshold:", 0) == 0) {
            const double threshold = std::stod(spec.substr(10));
            if (!(threshold >= 0 && threshold <= 1))
                throw std::invalid_argument("threshold");
            policy = thresholdPolicy(threshold);
        } else if (spec.rfind("ddpg:", 0) == 0) {
            Expected<DdpgPolicy> trained = readPolicy(spec.substr(5));
            if (!trained)
                return fail(err, trained.error());
            policy = ddpgDispatchPolicy(trained->actor);
        } else {
            throw std::invalid_argument("kind");
        }
    } catch (const std::exception&) {
        err << "coinfer simulate: --policy must be immediate, local, periodic:<ms> (> 0), threshold:<0..1> or ddpg:<policy.json>, not '"
            << spec << "'\n";
        return kExitBadInput;
    }
    const std::uint64_t firstSeed = *seed >= 0 ? static_cast<std::uint64_t>(*seed) : scenario->online.seed;
    OnlineResult total;
    for (int e = 0; e < *episodes; ++e) {
        const auto trace = makeArrivalTrace(*scenario, firstSeed + static_cast<std::uint64_t>(e));
        total.add(local ? localOnlyResult(*scenario, trace) : runEpisode(*scenario, *planner, trace, policy));
    }
    const auto formatOption = options.named.find("--format");
    if (formatOption != options.named.end() && formatOption->second == "json") {
        char text[512];
        std::snprintf(text, sizeof text,
                      "{\"format\": \"coinfer-online-result\", \"version\": 1, \"policy\": \"%s\", \"planner\": \"%s\", \"episodes\": %d, "
                      "\"tasks\": %d, \"energy_per_task_mj\": %.17g, \"deadline_misses\": %d, \"mean_batch_size\": %.17g, "
                      "\"gpu_utilisation\": %.17g, \"saving_percent\": %.17g}\n",
                      spec.c_str(), onlinePlannerName(*planner).c_str(), *episodes, total.tasks, total.energyPerTaskMj(), total.misses,
                      total.meanBatchSize(), total.gpuUtilisation(), total.savingPercent());
        out << text;
    } else {
        out << resultHeader() << resultLine(spec + (local ? "" : " (" + onlinePlannerName(*planner) + ")"), total);
    }
    return kExitOk;
}

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) { g_interrupted = true; }

Expected<DdpgPolicy> trainWithProgress(const Scenario& scenario, OnlinePlanner planner, int episodes, std::uint64_t seed, std::ostream& err)
{
    TrainingOptions training;
    training.planner = planner;
    training.episodes = episodes;
    training.ddpg.seed = seed;
    training.progress = [&](const EpisodeReport& r) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "  %s episode %3d/%d: reward %9.1f, %.3f mJ/task, %d misses, %6.0f steps/s | evaluation %.3f mJ/task, %d misses%s\n",
                      onlinePlannerName(planner).c_str(), r.episode, episodes, r.reward, r.energyPerTaskMj, r.misses, r.stepsPerSecond,
                      r.evaluationEnergyPerTaskMj, r.evaluationMisses, r.best ? "  (best so far)" : "");
        err << line << std::flush;
        return !g_interrupted.load();
    };
    g_interrupted = false;
    auto previous = std::signal(SIGINT, onInterrupt);
    Expected<DdpgPolicy> policy = trainDdpg(scenario, training);
    std::signal(SIGINT, previous);
    if (g_interrupted)
        err << "  stopped by Ctrl-C; keeping the best policy so far\n";
    return policy;
}

int commandTrain(const Options& options, std::ostream& out, std::ostream& err)
{
    const auto planner = plannerOption(options, err);
    const auto episodes = intOption(options, "--episodes", 60, 1, 1'000'000, err);
    const auto seed = intOption(options, "--seed", 1, 0, 2'000'000'000, err);
    if (!planner || !episodes || !seed)
        return kExitBadInput;
    if (!options.named.count("--output")) {
        err << "coinfer train: give --output POLICY.json\n";
        return kExitBadInput;
    }
    Expected<Scenario> scenario = onlineScenario(options, "coinfer train");
    if (!scenario)
        return fail(err, scenario.error());
    Expected<DdpgPolicy> policy = trainWithProgress(*scenario, *planner, *episodes, static_cast<std::uint64_t>(*seed), err);
    if (!policy)
        return fail(err, policy.error());
    err << "  best policy from episode " << policy->episodes << ": " << policy->evaluationEnergyPerTaskMj << " mJ/task, "
        << policy->evaluationMisses << " misses on the evaluation traces\n";
    return emit(policyToJson(*policy), options, out, err);
}

int commandCompareOnline(const Options& options, std::ostream& out, std::ostream& err)
{
    const auto episodes = intOption(options, "--episodes", 60, 1, 1'000'000, err);
    const auto testEpisodes = intOption(options, "--test-episodes", 5, 1, 100000, err);
    const auto seed = intOption(options, "--seed", 1, 0, 2'000'000'000, err);
    if (!episodes || !testEpisodes || !seed)
        return kExitBadInput;
    Expected<Scenario> scenario = onlineScenario(options, "coinfer compare-online");
    if (!scenario)
        return fail(err, scenario.error());
    const Scenario& s = *scenario;
    // Training uses traces seeded online.seed + ..., selection the evaluation traces
    // (online.seed + 1000000 + i), and this comparison separate test traces.
    const std::uint64_t testSeed = s.online.seed + 2'000'000;
    const std::uint64_t evaluationSeed = s.online.seed + 1'000'000;
    out << "test traces: " << *testEpisodes << " episodes of " << s.online.horizonMs << " ms, seeds from " << testSeed << "\n"
        << resultHeader();
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        Expected<DdpgPolicy> policy = trainWithProgress(s, planner, *episodes, static_cast<std::uint64_t>(*seed), err);
        if (!policy)
            return fail(err, policy.error());
        out << resultLine("DDPG-" + onlinePlannerName(planner), evaluatePolicy(s, planner, ddpgDispatchPolicy(policy->actor), testSeed, *testEpisodes));
    }
    for (OnlinePlanner planner : {OnlinePlanner::Og, OnlinePlanner::IpSsa}) {
        const std::string suffix = " (" + onlinePlannerName(planner) + ")";
        out << resultLine("immediate" + suffix, evaluatePolicy(s, planner, immediatePolicy(), testSeed, *testEpisodes));
        // The period and the threshold are chosen on the evaluation traces, then tested.
        double bestPeriod = 0, bestThreshold = 0;
        OnlineResult bestPeriodic, bestFixed;
        for (int slots : {2, 5, 10, 20, 40}) {
            const double period = slots * s.online.slotMs;
            const OnlineResult r = evaluatePolicy(s, planner, periodicPolicy(period, s.online.slotMs), evaluationSeed, 3);
            if (bestPeriod == 0 || r.misses < bestPeriodic.misses || (r.misses == bestPeriodic.misses && r.energyMj < bestPeriodic.energyMj)) {
                bestPeriod = period;
                bestPeriodic = r;
            }
        }
        for (int step = 0; step <= 20; ++step) {
            const double threshold = step / 20.0;
            const OnlineResult r = evaluatePolicy(s, planner, thresholdPolicy(threshold), evaluationSeed, 3);
            if (step == 0 || r.misses < bestFixed.misses || (r.misses == bestFixed.misses && r.energyMj < bestFixed.energyMj)) {
                bestThreshold = threshold;
                bestFixed = r;
            }
        }
        char name[64];
        std::snprintf(name, sizeof name, "periodic:%g%s", bestPeriod, suffix.c_str());
        out << resultLine(name, evaluatePolicy(s, planner, periodicPolicy(bestPeriod, s.online.slotMs), testSeed, *testEpisodes));
        std::snprintf(name, sizeof name, "threshold:%.2f%s", bestThreshold, suffix.c_str());
        out << resultLine(name, evaluatePolicy(s, planner, thresholdPolicy(bestThreshold), testSeed, *testEpisodes));
    }
    OnlineResult local;
    for (int e = 0; e < *testEpisodes; ++e)
        local.add(localOnlyResult(s, makeArrivalTrace(s, testSeed + static_cast<std::uint64_t>(e))));
    out << resultLine("local", local);
    return kExitOk;
}

} // namespace

int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    if (args.empty()) {
        err << kUsage;
        return kExitBadInput;
    }
    const std::string& command = args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        out << kUsage;
        return kExitOk;
    }
    if (command == "--version") {
        out << "coinfer " << COINFER_VERSION << "\n";
        return kExitOk;
    }
    struct Command {
        const char* name;
        std::vector<std::string> options;
        int (*run)(const Options&, std::ostream&, std::ostream&);
    };
    const Command commands[] = {
        {"plan", {"--algorithm", "--time-limit-ms", "--output", "--format"}, commandPlan},
        {"verify", {}, commandVerify},
        {"compare", {"--time-limit-ms"}, commandCompare},
        {"expand", {"--output"}, commandExpand},
        {"dnn", {"--format"}, commandDnn},
        {"profile", {"--dnn", "--max-batch", "--warmup", "--repetitions", "--launch", "--output"}, commandProfile},
        {"simulate", {"--planner", "--policy", "--episodes", "--seed", "--format"}, commandSimulate},
        {"train", {"--planner", "--episodes", "--seed", "--output"}, commandTrain},
        {"compare-online", {"--episodes", "--test-episodes", "--seed"}, commandCompareOnline},
    };
    for (const Command& entry : commands) {
        if (command != entry.name)
            continue;
        const std::optional<Options> options = parseOptions(args, 1, entry.options, err);
        return options ? entry.run(*options, out, err) : kExitBadInput;
    }
    err << "coinfer: unknown command '" << command << "' (see coinfer --help)\n";
    return kExitBadInput;
}

} // namespace coinfer
