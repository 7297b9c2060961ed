// The sweep commands: sweep (a scenario planned over values of one parameter), sweep merge and
// sweep summarize.
#include "app/cli.h"
#include "app/cli/commands.h"
#include "app/cli/common.h"
#include "app/cli/search.h"

#include "core/io/fileio.h"
#include "core/planning/planner.h"
#include "core/sweep/sweep.h"
#include "core/sweep/sweepsummary.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace coinfer::cli {
namespace {

const std::string kDefaultAlgorithms = "local,no-batching,ip-ssa,og,best";

/// What `coinfer sweep` was asked to do, checked before any planning.
struct SweepCommand {
    std::string scenarioPath;
    SweepRequest request;
    std::string valuesText;
};

/// --vary NAME=VALUES: the parameter, or a message naming the problem and the valid names.
std::optional<SweepParameter> readVary(const CLI::App& command, std::string& valuesText, std::ostream& err)
{
    const std::optional<std::string> vary = optionValue(command, "--vary");
    if (!vary) {
        err << "coinfer sweep: give --vary NAME=VALUES with NAME one of " << sweepParameterNames() << "\n";
        return std::nullopt;
    }
    const size_t equals = vary->find('=');
    const std::string name = vary->substr(0, equals);
    const std::optional<SweepParameter> parameter = sweepParameterFromName(name);
    if (!parameter) {
        err << "coinfer sweep: --vary: unknown parameter '" << name << "'; use one of " << sweepParameterNames() << "\n";
        return std::nullopt;
    }
    if (equals == std::string::npos) {
        err << "coinfer sweep: --vary " << name << " needs values: " << name
            << "=VALUES (a list 1,2,3 or a range FIRST:LAST:STEP)\n";
        return std::nullopt;
    }
    valuesText = vary->substr(equals + 1);
    return parameter;
}

/// --shard I/N.
bool readShard(const CLI::App& command, SweepRequest& request, std::ostream& err)
{
    const std::string text = optionValue(command, "--shard").value_or("1/1");
    const size_t slash = text.find('/');
    const std::optional<long long> index = slash == std::string::npos ? std::nullopt : parseInteger(text.substr(0, slash));
    const std::optional<long long> count = slash == std::string::npos ? std::nullopt : parseInteger(text.substr(slash + 1));
    if (!index || !count || *count < 1 || *count > 1'000'000 || *index < 1 || *index > *count) {
        err << "coinfer sweep: --shard must be I/N with 1 <= I <= N (e.g. 2/8), not '" << text << "'\n";
        return false;
    }
    request.shardIndex = static_cast<int>(*index);
    request.shardCount = static_cast<int>(*count);
    return true;
}

/// --seed S: a whole number from 0 to 2^64 - 1.
bool readSeed(const CLI::App& command, SweepRequest& request, std::ostream& err)
{
    const std::string text = optionValue(command, "--seed").value_or("1");
    const bool digits = !text.empty() && text.size() <= 20 && text.find_first_not_of("0123456789") == std::string::npos;
    errno = 0;
    const unsigned long long seed = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
    if (!digits || errno == ERANGE) {
        err << "coinfer sweep: --seed must be a whole number from 0 to 18446744073709551615, not '" << text << "'\n";
        return false;
    }
    request.seed = seed;
    return true;
}

std::optional<SweepCommand> readSweepCommand(const CLI::App& command, std::ostream& err)
{
    const std::optional<std::string> file = oneScenarioFile(command, err);
    if (!file)
        return std::nullopt;
    SweepCommand sweep;
    sweep.scenarioPath = *file;
    const std::optional<SweepParameter> parameter = readVary(command, sweep.valuesText, err);
    if (!parameter)
        return std::nullopt;
    sweep.request.parameter = *parameter;
    Expected<std::vector<double>> values = parseSweepValues(sweep.valuesText);
    if (!values) {
        err << "coinfer sweep: --vary " << sweepParameterName(*parameter) << ": " << values.error().message << "\n";
        return std::nullopt;
    }
    sweep.request.values = std::move(*values);
    Expected<std::vector<Algorithm>> algorithms =
        parseSweepAlgorithms(optionValue(command, "--algorithms").value_or(kDefaultAlgorithms));
    if (!algorithms) {
        err << "coinfer sweep: --algorithms: " << algorithms.error().message << "\n";
        return std::nullopt;
    }
    sweep.request.algorithms = std::move(*algorithms);
    const std::optional<int> repeats = intOption(command, "--repeats", 1, 1'000'000, err);
    const std::optional<int> jobs = repeats ? intOption(command, "--jobs", 1, 1024, err) : std::nullopt;
    if (!repeats || !jobs || !readShard(command, sweep.request, err) || !readSeed(command, sweep.request, err))
        return std::nullopt;
    sweep.request.repeats = *repeats;
    sweep.request.jobs = *jobs;
    return sweep;
}

/// Shows the points done: one rewritten line on a terminal, else a line at every tenth.
class SweepProgressReport {
public:
    explicit SweepProgressReport(std::ostream& err) : m_err(err), m_terminal(&err == &std::cerr && isatty(STDERR_FILENO)) { }

    void show(const SweepProgress& progress)
    {
        if (m_terminal) {
            m_err << "\rcoinfer sweep: " << progress.pointsDone << "/" << progress.pointsTotal << " points" << std::flush;
            m_shown = true;
        } else if (progress.pointsDone * 10 / progress.pointsTotal != (progress.pointsDone - 1) * 10 / progress.pointsTotal) {
            m_err << "coinfer sweep: " << progress.pointsDone << "/" << progress.pointsTotal << " points\n";
        }
    }
    void finish()
    {
        if (m_shown)
            m_err << "\r\033[K" << std::flush;
    }

private:
    std::ostream& m_err;
    bool m_terminal;
    bool m_shown = false;
};

/// Reads the scenario as a sweep's base, printing its warnings; nullopt after its error.
std::optional<SweepBase> readBase(const std::string& path, std::ostream& err, int& status)
{
    Expected<SweepBase> base =
        readTextFile(path).and_then([&](std::string&& text) { return prepareSweepBase(std::move(text), path); });
    if (!base) {
        status = fail(err, base.error());
        return std::nullopt;
    }
    for (const std::string& warning : base->warnings)
        err << "coinfer: warning: " << warning << "\n";
    return std::move(*base);
}

int commandSweep(const CLI::App& command, Io io)
{
    std::optional<SweepCommand> sweep = readSweepCommand(command, io.err);
    if (!sweep)
        return kExitBadInput;
    // Refused before the sweep runs, not after hours of it.
    if (const std::optional<std::string> output = optionValue(command, "--output"))
        if (const int refused = refuseOverwrite(command, "--output", *output, io.err); refused != kExitOk)
            return refused;
    int status = kExitOk;
    const std::optional<SweepBase> base = readBase(sweep->scenarioPath, io.err, status);
    if (!base)
        return status;
    if (sweep->request.repeats > 1 && !base->hasPopulation && sweep->request.parameter != SweepParameter::Users)
        io.err << "coinfer sweep: note: " << sweep->scenarioPath << " is a table without a population, so its repeats of "
               << sweepParameterName(sweep->request.parameter) << " are identical\n";
    SweepProgressReport report(io.err);
    sweep->request.cancel = &g_cancelSearch;
    const auto start = std::chrono::steady_clock::now();
    std::optional<InterruptCancelsSearch> interrupts(std::in_place);
    const Expected<SweepResult> result = runSweep(*base, sweep->request, [&report](const SweepProgress& progress) {
        report.show(progress);
        return true;
    });
    interrupts.reset();
    report.finish();
    if (!result)
        return fail(io.err, result.error());
    if (const int written = emit(sweepRowsToCsv(result->rows), command, io); written != kExitOk)
        return written;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result->cancelled) {
        io.err << "coinfer sweep: stopped by " << stopSignalName() << " after " << result->pointsDone << " of "
               << result->pointsTotal << " points; the CSV holds their " << result->rows.size() << " rows\n";
        return stopSignalExitStatus();
    }
    io.err << format("coinfer sweep: %d points, %zu rows in %.2f s\n", result->pointsDone, result->rows.size(), seconds);
    return kExitOk;
}

int commandSweepMerge(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    if (files.empty()) {
        io.err << "coinfer sweep merge: give the shard CSV files to merge (see coinfer sweep --help)\n";
        return kExitBadInput;
    }
    std::vector<SweepCsvFile> inputs;
    for (const std::string& file : files) {
        Expected<std::string> text = readTextFile(file);
        if (!text)
            return fail(io.err, text.error());
        Expected<std::vector<SweepRow>> rows = parseSweepCsv(*text, file);
        if (!rows)
            return fail(io.err, rows.error());
        inputs.push_back({file, std::move(*rows)});
    }
    Expected<SweepMerge> merge = mergeSweepCsv(inputs);
    if (!merge)
        return fail(io.err, merge.error());
    for (const std::string& warning : merge->warnings)
        io.err << "coinfer sweep merge: warning: " << warning << "\n";
    return emit(sweepRowsToCsv(merge->rows), command, io);
}

int commandSweepSummarize(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() != 1) {
        io.err << "coinfer sweep summarize: give exactly one sweep CSV file (see coinfer sweep --help)\n";
        return kExitBadInput;
    }
    const std::string measureName = optionValue(command, "--measure").value_or("energy");
    const std::optional<SweepMeasure> measure = sweepMeasureFromName(measureName);
    if (!measure) {
        io.err << "coinfer sweep summarize: --measure: unknown measure '" << measureName << "'; use energy, saving or gap\n";
        return kExitBadInput;
    }
    Expected<std::vector<SweepRow>> rows =
        readTextFile(files.front()).and_then([&](const std::string& text) { return parseSweepCsv(text, files.front()); });
    if (!rows)
        return fail(io.err, rows.error());
    return emit(sweepSummaryToCsv(summarizeSweep(*rows, *measure)), command, io);
}

} // namespace

void addSweepCommands(CLI::App& app, Commands& commands)
{
    std::string parameters;
    for (const SweepParameterInfo& info : sweepParameters())
        parameters += "\n  " + info.name + ": " + info.description;
    CLI::App* sweep =
        commands.add(app, "sweep",
                     "Plan the scenario for each value of one parameter, with each planner, over seeded repeats, and\n"
                     "write one CSV row per (value, repeat, planner) (docs/sweeps.md). VALUES is a list (50,100,200)\n"
                     "or a range FIRST:LAST:STEP (50:500:50). NAME is one of:" +
                         parameters +
                         "\nbest and exact run under work budgets only, so every column but time_ms is the same on every run,\n"
                         "for any --jobs and --shard (but best's rows over uplink_scale and bandwidth_mhz, whose\n"
                         "line is monotone within each shard only). Ctrl-C or SIGTERM (a cluster's time limit) stops and\n"
                         "writes the finished rows (exit 130 or 143).\n"
                         "sweep merge joins the CSVs of shards into the whole table, refusing overlapping shards.\n"
                         "sweep summarize prints, per planner and value, the mean, min and max over the repeats whose\n"
                         "plan meets every deadline with their count, and apart the count and mean of the late ones.",
                     commandSweep);
    addArgument(*sweep, "SCENARIO.json", "the scenario file (coinfer-scenario JSON)");
    addValueOption(*sweep, "--vary", "NAME=VALUES", "the parameter and its values")->group(kNeededGroup);
    addValueOption(*sweep, "--algorithms", "LIST",
                   "planners, comma-separated; all = every planner but exact; all+exact = every one", kDefaultAlgorithms);
    addValueOption(*sweep, "--repeats", "K", "seeded draws of the population or subset per value", "1");
    addValueOption(*sweep, "--seed", "S", "seed of the repeats' draws (repeat 0 of a population keeps the file's seed)", "1");
    addValueOption(*sweep, "--shard", "I/N", "run only the I-th of N round-robin parts of the points", "1/1");
    addValueOption(*sweep, "--jobs", "J", "points planned in parallel (threads)", "1");
    addValueOption(*sweep, "--output", "FILE.csv", "write the CSV to this file (atomically) instead of stdout");

    CLI::App* merge = commands.add(*sweep, "merge", "", commandSweepMerge);
    addArgument(*merge, "A.csv B.csv ...", "the shard CSV files, in any order");
    addValueOption(*merge, "--output", "ALL.csv", "write the merged CSV to this file instead of stdout");

    CLI::App* summarize = commands.add(*sweep, "summarize", "", commandSweepSummarize);
    addArgument(*summarize, "SWEEP.csv", "a sweep CSV (as coinfer sweep or sweep merge writes it)");
    addValueOption(*summarize, "--measure", "energy|saving|gap",
                   "the number summarized (gap: to the strongest bound of the point)", "energy");
    addValueOption(*summarize, "--output", "SUMMARY.csv", "write the summary CSV to this file instead of stdout");
}

} // namespace coinfer::cli
