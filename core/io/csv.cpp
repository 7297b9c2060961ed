// CSV fields and records (core/io/csv.h).
#include "core/io/csv.h"

namespace coinfer {

std::string_view withoutUtf8Bom(std::string_view text)
{
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    return text.substr(0, bom.size()) == bom ? text.substr(bom.size()) : text;
}

bool readCsvRecord(std::string_view text, size_t& pos, std::vector<std::string>& fields, long long& lineBreaks)
{
    fields.assign(1, std::string());
    bool inQuotes = false;
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (inQuotes) {
            if (c == '\n')
                ++lineBreaks;
            if (c != '"')
                fields.back() += c;
            else if (pos + 1 < text.size() && text[pos + 1] == '"')
                fields.back() += text[++pos];
            else
                inQuotes = false;
        } else if (c == '"') {
            inQuotes = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\n') {
            ++pos;
            ++lineBreaks;
            return true;
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return !inQuotes;
}

std::string csvField(std::string_view value)
{
    if (value.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(value);
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string csvTextField(std::string_view value)
{
    // OWASP's list of the characters a spreadsheet may read as the start of a formula.
    constexpr std::string_view formulaStarts = "=+-@\t\r";
    if (value.empty() || formulaStarts.find(value.front()) == std::string_view::npos)
        return csvField(value);
    const std::string field = csvField("'" + std::string(value));
    return field.front() == '"' ? field : "\"" + field + "\"";
}

} // namespace coinfer
