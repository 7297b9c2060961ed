// `coinfer dnn run MODEL.onnx --input T.pb[,W.pb...] --output OUT.pb`: the model, imported as
// `dnn import` does, run on Coinfer's CPU reference with its own weights (core/io/onnxrun.h).
#include "app/cli/dnnrun.h"
#include "app/cli.h"

#include "core/io/onnxrun.h"
#include "core/util/expected.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace coinfer::cli {
namespace {

int commandDnnRun(const CLI::App& command, Io io)
{
    const std::vector<std::string> files = arguments(command);
    const std::optional<std::string> output = optionValue(command, "--output");
    // One --input with the files comma-separated: every option is given at most once.
    std::vector<std::string> inputFiles;
    const std::string list = optionValue(command, "--input").value_or("");
    for (size_t start = 0; start < list.size();) {
        const size_t comma = std::min(list.find(',', start), list.size());
        inputFiles.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    if (files.size() != 1 || !output || inputFiles.empty()) {
        io.err << "coinfer dnn run: give one ONNX model, its inputs and an output file (coinfer dnn run MODEL.onnx --input "
                  "T.pb[,W.pb...] --output OUT.pb)\n";
        return kExitBadInput;
    }
    if (const int refused = refuseOverwrite(command, "--output", *output, io.err); refused != kExitOk)
        return refused;
    std::vector<OnnxTensor> inputs;
    for (const std::string& file : inputFiles) {
        Expected<OnnxTensor> tensor = readOnnxTensor(file);
        if (!tensor)
            return fail(io.err, tensor.error());
        inputs.push_back(std::move(*tensor));
    }
    const Expected<OnnxTensor> result = runOnnxOnCpu(files[0], inputs);
    if (!result)
        return fail(io.err, result.error());
    if (Expected<void> written = writeOnnxTensor(*output, *result); !written)
        return fail(io.err, written.error());
    std::string dims;
    for (std::int64_t d : result->dims)
        dims += (dims.empty() ? "" : "x") + std::to_string(d);
    io.err << files[0] << ": ran on the CPU reference; output '" << result->name << "' " << dims << " written to " << *output
           << "\n";
    return kExitOk;
}

} // namespace

void addDnnRunCommand(CLI::App& dnn, Commands& commands)
{
    CLI::App* run = commands.add(dnn, "run",
                                 "Run an ONNX model on Coinfer's CPU reference with the model's own weights (initializers, or\n"
                                 "tensors given for inputs that hold weights) and write the output as a TensorProto (.pb), as\n"
                                 "ONNX's test data stores tensors. Float32, direct loops: slow for large models.",
                                 commandDnnRun);
    addArgument(*run, "MODEL.onnx", "an ONNX model that 'dnn import' accepts");
    addValueOption(*run, "--input", "T.pb[,W.pb...]",
                   "TensorProtos for the graph inputs that are not initializers, comma-separated in the graph's order");
    addValueOption(*run, "--output", "OUT.pb", "write the output tensor here");
}

} // namespace coinfer::cli
