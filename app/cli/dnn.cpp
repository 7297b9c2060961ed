// The DNN and GPU-profile commands: dnn list|show|import, profile (measure), profile check|show|diff.
#include "app/cli.h"
#include "app/cli/commands.h"
#include "app/cli/dnnrun.h"
#include "app/cli/common.h"
#include "app/cli/profile.h"

#include "core/dnn/dnn.h"
#include "core/dnn/gpuprofile.h"
#include "core/io/dnnio.h"
#include "core/io/onnximport.h"
#include "core/io/profileio.h"
#include "core/util/expected.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace coinfer::cli {
namespace {

std::string shapeText(const TensorShape& shape)
{
    return std::to_string(shape.c) + "x" + std::to_string(shape.h) + "x" + std::to_string(shape.w);
}

int dnnUsage(std::ostream& err)
{
    err << "coinfer dnn: use 'coinfer dnn list', 'coinfer dnn show DNN', 'coinfer dnn import MODEL.onnx' or 'coinfer dnn run "
           "MODEL.onnx' (see coinfer --help)\n";
    return kExitBadInput;
}

int commandDnn(const CLI::App&, Io io)
{
    return dnnUsage(io.err);
}

int commandDnnList(const CLI::App& command, Io io)
{
    if (!arguments(command).empty())
        return dnnUsage(io.err);
    for (const std::string& name : builtinDnnNames()) {
        const DnnDescription dnn = *builtinDnn(name);
        io.out << name << ": " << dnn.subtasks.size() << " sub-tasks, input " << shapeText(dnn.input) << "\n";
    }
    return kExitOk;
}

/// One DNN's sub-tasks with FLOPs, MACs, parameters and output sizes, and its totals.
std::string dnnTable(const DnnDescription& dnn)
{
    const std::vector<SubtaskStats> stats = *analyzeDnn(dnn);
    std::string table =
        format("%3s  %-36s %12s %12s %11s %14s %13s\n", "n", "sub-task", "MFLOPs", "MMACs", "params", "output", "output_bytes");
    double flops = 0, macs = 0;
    long long parameters = 0;
    for (size_t n = 0; n < stats.size(); ++n) {
        const SubtaskStats& s = stats[n];
        table += format("%3zu  %-36.36s %12.2f %12.2f %11lld %14s %13.0f\n", n + 1, s.name.c_str(), s.flops / 1e6, s.macs / 1e6,
                        s.parameters, shapeText(s.output).c_str(), s.outputBytes);
        flops += s.flops;
        macs += s.macs;
        parameters += s.parameters;
    }
    table += format("\n%s: input %s (%lld bytes), %.2f GFLOPs, %.3f GMACs, %lld parameters, signature %s\n", dnn.name.c_str(),
                    shapeText(dnn.input).c_str(), dnn.input.elements() * dnn.inputElementBytes, flops / 1e9, macs / 1e9,
                    parameters, dnnSignature(dnn).c_str());
    return table;
}

int commandDnnShow(const CLI::App& command, Io io)
{
    const std::vector<std::string> names = arguments(command);
    if (names.size() != 1)
        return dnnUsage(io.err);
    Expected<DnnDescription> dnn = loadDnnWarning(names[0], io.err);
    if (!dnn)
        return fail(io.err, dnn.error());
    const std::optional<std::string> format = choiceOption(command, "--format", {"table", "json"}, "coinfer dnn show", io.err);
    if (!format)
        return kExitBadInput;
    io.out << (*format == "json" ? dnnDescriptionToJson(*dnn) : dnnTable(*dnn));
    return kExitOk;
}

/// `coinfer dnn import`: the description as JSON (to --output or stdout), a summary on stderr.
int commandDnnImport(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() != 1) {
        io.err << "coinfer dnn import: give one ONNX model (coinfer dnn import MODEL.onnx [--output DNN.json])\n";
        return kExitBadInput;
    }
    OnnxImportOptions options;
    options.name = optionValue(command, "--name").value_or("");
    const auto elementBytes = choiceOption(command, "--input-element-bytes", {"1", "4"}, "coinfer dnn import", io.err);
    const bool mergeAsked = optionValue(command, "--max-subtasks").has_value();
    const std::optional<int> maxSubtasks = mergeAsked ? intOption(command, "--max-subtasks", 1, 1'000'000, io.err) : 0;
    std::optional<Expected<std::vector<std::int64_t>>> shape;
    if (const std::optional<std::string> text = optionValue(command, "--input-shape"))
        shape = parseOnnxShape(*text);
    if (shape && !*shape)
        io.err << "coinfer dnn import: --input-shape: " << shape->error().message << "\n";
    if (!elementBytes || !maxSubtasks || (shape && !*shape))
        return kExitBadInput;
    options.inputElementBytes = *elementBytes == "4" ? 4 : 1;
    options.maxSubtasks = *maxSubtasks;
    if (shape)
        options.inputShape = **shape;
    Expected<OnnxImport> imported = importOnnx(files[0], options);
    if (!imported)
        return fail(io.err, imported.error());
    const DnnDescription& dnn = imported->dnn;
    const std::vector<SubtaskStats> stats = *analyzeDnn(dnn);
    double macs = 0;
    for (const SubtaskStats& s : stats)
        macs += s.macs;
    io.err << format("%s: opset %d, %d nodes (%d from input '%s' to output '%s'), %d cut%s; %zu sub-task%s, %.3f GMACs, "
                     "input %s, output %s\n",
                     files[0].c_str(), imported->opsetVersion, imported->nodes, imported->mappedNodes,
                     imported->inputName.c_str(), imported->outputName.c_str(), imported->cuts, imported->cuts == 1 ? "" : "s",
                     dnn.subtasks.size(), dnn.subtasks.size() == 1 ? "" : "s", macs / 1e9, shapeText(dnn.input).c_str(),
                     shapeText(stats.back().output).c_str());
    return emit(dnnDescriptionToJson(dnn), command, io);
}

int profileUsage(std::ostream& err)
{
    err << "coinfer profile: give --dnn NAME or --dnn FILE (see coinfer --help)\n";
    return kExitBadInput;
}

/// The options and the DNN of `coinfer profile --dnn`; nullopt after a message naming what is wrong,
/// with the exit status in @p status.
std::optional<ProfileRequest> readProfileRequest(const CLI::App& command, std::ostream& err, int& status)
{
    status = kExitBadInput;
    const std::optional<std::string> dnnName = optionValue(command, "--dnn");
    if (!dnnName || !arguments(command).empty()) {
        profileUsage(err);
        return std::nullopt;
    }
    // Each option is checked, so that every wrong one is named at once.
    const auto maxBatch = intOption(command, "--max-batch", 1, 4096, err);
    const auto warmup = intOption(command, "--warmup", 0, 100000, err);
    const auto repetitions = intOption(command, "--repetitions", 1, 100000, err);
    if (!maxBatch || !warmup || !repetitions)
        return std::nullopt;
    const std::optional<std::string> launch = choiceOption(command, "--launch", {"graph", "eager"}, "coinfer profile", err);
    if (!launch)
        return std::nullopt;
    Expected<DnnDescription> dnn = loadDnnWarning(*dnnName, err);
    if (!dnn) {
        status = fail(err, dnn.error());
        return std::nullopt;
    }
    status = kExitOk;
    return ProfileRequest{std::move(*dnn), *maxBatch, *warmup, *repetitions, *launch == "graph"};
}

int commandProfile(const CLI::App& command, Io io)
{
    int status = kExitOk;
    if (io.profiler) {
        const std::optional<ProfileRequest> request = readProfileRequest(command, io.err, status);
        return request ? io.profiler->measure(*request, command, io) : status;
    }
    // The options and the DNN are checked here too, so that a wrong one is refused (exit 2) on a
    // machine without the profiler. coinfer-profile reads them again and prints the DNN file's
    // warnings then; here they are printed only with the error.
    std::ostringstream messages;
    if (!readProfileRequest(command, messages, status)) {
        io.err << messages.str();
        return status;
    }
    return runProfilerProgram(io);
}

int commandProfileCheck(const CLI::App& command, Io io)
{
    if (!arguments(command).empty())
        return profileUsage(io.err);
    if (!io.profiler)
        return runProfilerProgram(io);
    const std::optional<std::string> name = optionValue(command, "--dnn");
    if (!name)
        return io.profiler->check(nullptr, io);
    Expected<DnnDescription> dnn = loadDnnWarning(*name, io.err);
    if (!dnn)
        return fail(io.err, dnn.error());
    return io.profiler->check(&*dnn, io);
}

int commandProfileShow(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() != 1)
        return profileUsage(io.err);
    Expected<GpuProfile> profile = readGpuProfile(files[0]);
    if (!profile)
        return fail(io.err, profile.error());
    io.out << profile->dnnName << " on " << profile->gpu.name << " (compute capability " << profile->gpu.computeCapability
           << ", CUDA " << profile->gpu.cudaRuntimeVersion << ", cuDNN " << profile->gpu.cudnnVersion << "), measured "
           << profile->measuredAt << ", " << profile->precision << ", " << profile->launch << " launch, median of "
           << profile->repetitions << " runs\n";
    io.out << format("%3s  %-36s %10s %10s %10s %10s %10s %6s\n", "n", "sub-task", "tau(1)", "tau(B/2)", "tau(B)", "alpha",
                     "beta", "r2");
    for (size_t n = 0; n < profile->subtasks.size(); ++n) {
        const SubtaskProfile& s = profile->subtasks[n];
        io.out << format("%3zu  %-36.36s %10.4f %10.4f %10.4f %10.4f %10.5f %6.3f\n", n + 1, s.name.c_str(), s.medianMs.front(),
                         s.medianMs[s.medianMs.size() / 2], s.medianMs.back(), s.affine.alphaMs, s.affine.betaMs, s.affine.r2);
    }
    io.out << "(ms; B = " << profile->maxBatch() << ")\n";
    return kExitOk;
}

/// Per sub-task, the largest relative difference of two profiles' medians; then their mean and maximum.
std::string profileDifferences(const GpuProfile& a, const GpuProfile& b)
{
    std::string text;
    double worst = 0, sum = 0;
    int cells = 0;
    for (size_t n = 0; n < a.subtasks.size(); ++n) {
        double subtaskWorst = 0;
        for (int i = 0; i < a.maxBatch(); ++i) {
            const double x = a.subtasks[n].medianMs[static_cast<size_t>(i)], y = b.subtasks[n].medianMs[static_cast<size_t>(i)];
            const double spread = std::fabs(x - y) / std::max(1e-12, 0.5 * (x + y));
            subtaskWorst = std::max(subtaskWorst, spread);
            sum += spread;
            ++cells;
        }
        worst = std::max(worst, subtaskWorst);
        text += format("%3zu  %-36.36s largest difference of medians %.2f%%\n", n + 1, a.subtasks[n].name.c_str(),
                       100 * subtaskWorst);
    }
    text += format("over %d (sub-task, batch size) pairs: mean %.2f%%, largest %.2f%%\n", cells, 100 * sum / cells, 100 * worst);
    return text;
}

int commandProfileDiff(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    if (files.size() != 2)
        return profileUsage(io.err);
    Expected<GpuProfile> a = readGpuProfile(files[0]);
    if (!a)
        return fail(io.err, a.error());
    Expected<GpuProfile> b = readGpuProfile(files[1]);
    if (!b)
        return fail(io.err, b.error());
    if (a->subtasks.size() != b->subtasks.size() || a->maxBatch() != b->maxBatch() || a->dnnSignature != b->dnnSignature) {
        // Each file is named with what it measured, so the user sees which one to replace.
        const auto measured = [](const std::string& file, const GpuProfile& profile) {
            return format("%s: %s, %zu sub-tasks, batch sizes 1..%d, signature %s", file.c_str(), profile.dnnName.c_str(),
                          profile.subtasks.size(), profile.maxBatch(),
                          profile.dnnSignature.empty() ? "(none)" : profile.dnnSignature.c_str());
        };
        io.err << "coinfer profile diff: the two profiles measured different DNNs or batch ranges (" << measured(files[0], *a)
               << "; " << measured(files[1], *b) << ")\n";
        return kExitBadInput;
    }
    io.out << profileDifferences(*a, *b);
    return kExitOk;
}

const std::string kDnnHelp = "a built-in DNN (mobilenetv2, resnet18, vgg16), a coinfer-dnn JSON file or an ONNX model (.onnx)";

void addDnnCommand(CLI::App& app, Commands& commands)
{
    CLI::App* dnn = commands.add(app, "dnn",
                                 "One DNN's sub-tasks with FLOPs, MACs, parameters and output sizes.\n"
                                 "DNN is a built-in name (mobilenetv2, resnet18, vgg16), a \"coinfer-dnn\" JSON file or an\n"
                                 "ONNX model (.onnx, imported with the defaults of 'dnn import').",
                                 commandDnn);
    // show, without a paragraph of its own, comes last and shares the command's.
    commands.add(*dnn, "list", "The built-in DNNs with their sub-task counts and inputs.", commandDnnList);
    CLI::App* import =
        commands.add(*dnn, "import",
                     "Import an ONNX model as a coinfer-dnn description: split at every point where one tensor is\n"
                     "live, layers mapped onto Coinfer's (docs/dnn-import.md). Only shapes are read, never weights.",
                     commandDnnImport);
    addArgument(*import, "MODEL.onnx", "an ONNX model (weights may be absent or in external files)");
    addValueOption(*import, "--output", "DNN.json", "write the description to this file instead of stdout");
    addValueOption(*import, "--name", "NAME", "the description's name (default: the file's name without .onnx)");
    addValueOption(*import, "--input-element-bytes", "1|4", "bytes per input element: 1 (8-bit camera frame) or 4 (fp32)", "1");
    addValueOption(*import, "--max-subtasks", "K", "merge the cheapest neighbouring sub-tasks until at most K remain");
    addValueOption(*import, "--input-shape", "1x3x224x224", "fix the input's shape (for models with a dynamic one)");
    addDnnRunCommand(*dnn, commands);
    CLI::App* show = commands.add(*dnn, "show", "", commandDnnShow);
    addArgument(*show, "DNN", kDnnHelp);
    addValueOption(*show, "--format", "table|json", "a table for people or the coinfer-dnn JSON description", "table");
}

void addProfileCommand(CLI::App& app, Commands& commands)
{
    CLI::App* profile = commands.add(app, "profile",
                                     "Measure every sub-task's GPU latency for batch sizes 1..max-batch with CUDA (cuDNN,\n"
                                     "cuBLAS) and write a GPU profile that scenarios can reference. graph (the default) times\n"
                                     "replays of each sub-task captured as a CUDA graph; eager launches every call each run.",
                                     commandProfile);
    addValueOption(*profile, "--dnn", "DNN", kDnnHelp)->group(kNeededGroup);
    addValueOption(*profile, "--max-batch", "32", "largest batch size measured, 1 to 4096", "32");
    addValueOption(*profile, "--warmup", "10", "untimed runs per sub-task and batch size", "10");
    addValueOption(*profile, "--repetitions", "50", "timed runs per sub-task and batch size; the median is kept", "50");
    addValueOption(*profile, "--launch", "graph|eager", "replay CUDA graphs or launch every call", "graph");
    addValueOption(*profile, "--output", "FILE.json", "write the profile to this file instead of stdout");

    CLI::App* check = commands.add(*profile, "check",
                                   "Run small layers covering every layer kind (or, with --dnn, every sub-task of that DNN at\n"
                                   "batch sizes 1 and 2) on the GPU and on the CPU reference and compare their outputs.",
                                   commandProfileCheck);
    addValueOption(*check, "--dnn", "DNN", kDnnHelp);
    CLI::App* show = commands.add(*profile, "show", "", commandProfileShow);
    addArgument(*show, "PROFILE.json", "a GPU profile file");
    CLI::App* diff =
        commands.add(*profile, "diff", "Print a profile's curves; compare two measurements of the same DNN (repeatability).",
                     commandProfileDiff);
    addArgument(*diff, "A.json", "the first GPU profile file");
    addArgument(*diff, "B.json", "the second GPU profile file, of the same DNN and batch sizes");
}

} // namespace

void addDnnCommands(CLI::App& app, Commands& commands)
{
    addDnnCommand(app, commands);
    addProfileCommand(app, commands);
}

} // namespace coinfer::cli
