#pragma once
// The help texts, printed from the CLI11 definitions of the commands alone: `coinfer --help`
// lists every command's usage line(s) with its paragraph, `coinfer CMD --help` one command's
// usage with its arguments and options. So the help and the parser cannot disagree.

#include <CLI/CLI.hpp>

#include <string>

namespace coinfer::cli {

/// "coinfer plan SCENARIO.json [--algorithm ALG] ...": the command's path, its arguments, then
/// its options (in brackets unless in kNeededGroup). For the program itself, its flags.
std::string synopsis(const CLI::App& command);

/// The help of @p command: the program's overview for the top-level app, else the command's own.
std::string helpText(const CLI::App& command);

/// CLI11's help (App::help) as helpText.
class HelpFormatter : public CLI::FormatterBase {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
};

} // namespace coinfer::cli
