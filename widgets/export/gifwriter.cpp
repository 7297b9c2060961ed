#include "widgets/export/gifwriter.h"

#include "widgets/charts/palette.h"

#include <QColor>
#include <QIODevice>
#include <Qt>
#include <QtGlobal>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <unordered_map>
#include <utility>

namespace coinfer {
namespace {

void put16(std::vector<std::uint8_t>& out, int value)
{
    out.push_back(static_cast<std::uint8_t>(value & 0xff));
    out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xff));
}

/// Variable-width LZW codes (GIF flavour: least significant bit first) packed into sub-blocks.
class BitPacker {
public:
    void write(int code, int bits)
    {
        m_buffer |= static_cast<std::uint32_t>(code) << m_used;
        m_used += bits;
        while (m_used >= 8) {
            m_bytes.push_back(static_cast<std::uint8_t>(m_buffer & 0xff));
            m_buffer >>= 8;
            m_used -= 8;
        }
    }
    std::vector<std::uint8_t> finish()
    {
        if (m_used > 0)
            m_bytes.push_back(static_cast<std::uint8_t>(m_buffer & 0xff));
        std::vector<std::uint8_t> blocks;
        for (size_t at = 0; at < m_bytes.size(); at += 255) {
            const size_t length = std::min<size_t>(255, m_bytes.size() - at);
            blocks.push_back(static_cast<std::uint8_t>(length));
            blocks.insert(blocks.end(), m_bytes.begin() + static_cast<std::ptrdiff_t>(at),
                          m_bytes.begin() + static_cast<std::ptrdiff_t>(at + length));
        }
        blocks.push_back(0);
        return blocks;
    }

private:
    std::uint32_t m_buffer = 0;
    int m_used = 0;
    std::vector<std::uint8_t> m_bytes;
};

std::vector<std::uint8_t> lzw(const std::vector<std::uint8_t>& pixels)
{
    constexpr int kMinCodeSize = 8, kClear = 256, kEnd = 257;
    BitPacker out;
    std::unordered_map<std::uint32_t, int> table;
    int next = kEnd + 1, bits = kMinCodeSize + 1;
    out.write(kClear, bits);
    int prefix = -1;
    for (std::uint8_t pixel : pixels) {
        if (prefix < 0) {
            prefix = pixel;
            continue;
        }
        const std::uint32_t key = (static_cast<std::uint32_t>(prefix) << 8) | pixel;
        auto found = table.find(key);
        if (found != table.end()) {
            prefix = found->second;
            continue;
        }
        out.write(prefix, bits);
        table.emplace(key, next);
        if (next == (1 << bits) && bits < 12)
            ++bits;
        if (++next == 4096) {
            // The table is full: clear it at once, as the common decoders expect (a deferred
            // clear, left for the next miss, is legal but ImageMagick misreads it).
            out.write(kClear, bits);
            table.clear();
            next = kEnd + 1;
            bits = kMinCodeSize + 1;
        }
        prefix = pixel;
    }
    if (prefix >= 0)
        out.write(prefix, bits);
    out.write(kEnd, bits);
    return out.finish();
}

} // namespace

namespace {

/// The 256 entries: the exact colours first, then the cube, then greys up to 256.
std::vector<QRgb> makePalette()
{
    std::vector<QRgb> colours;
    for (const QColor& colour :
         {palette::localComputing(), palette::uploading(), palette::waiting(), palette::edgeComputing(), palette::gpuBatch(),
          palette::localOnly(), palette::deadline(), palette::late(), palette::selection(), palette::linked(), QColor(Qt::white),
          QColor(Qt::black), QColor(25, 25, 30), QColor(235, 235, 235)})
        colours.push_back(colour.rgb() | 0xff000000u);
    for (int r = 0; r < 6; ++r)
        for (int g = 0; g < 6; ++g)
            for (int b = 0; b < 6; ++b)
                colours.push_back(qRgb(r * 51, g * 51, b * 51));
    const int greys = 256 - static_cast<int>(colours.size());
    for (int k = 0; k < greys; ++k) {
        const int grey = 8 + k * 240 / std::max(1, greys - 1);
        colours.push_back(qRgb(grey, grey, grey));
    }
    return colours;
}

const std::vector<QRgb>& colourTable()
{
    static const std::vector<QRgb> table = makePalette();
    return table;
}

/// Nearest palette entry for each colour at 5 bits a channel: 32,768 x 256 distances, once.
const std::vector<std::uint8_t>& nearestTable()
{
    static const std::vector<std::uint8_t> nearest = [] {
        const std::vector<QRgb>& colours = colourTable();
        std::vector<std::uint8_t> table(32768);
        for (int key = 0; key < 32768; ++key) {
            const int r = ((key >> 10) & 31) * 255 / 31, g = ((key >> 5) & 31) * 255 / 31, b = (key & 31) * 255 / 31;
            int best = 0;
            long bestDistance = std::numeric_limits<long>::max();
            for (size_t i = 0; i < colours.size(); ++i) {
                // Weighted as the eye weighs the channels, so greys stay grey.
                const long dr = r - qRed(colours[i]), dg = g - qGreen(colours[i]), db = b - qBlue(colours[i]);
                const long distance = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = static_cast<int>(i);
                }
            }
            table[static_cast<size_t>(key)] = static_cast<std::uint8_t>(best);
        }
        return table;
    }();
    return nearest;
}

constexpr int kExactEntries = 14; // the named colours at the start of the palette

} // namespace

std::uint8_t GifWriter::paletteIndex(QRgb colour)
{
    colour |= 0xff000000u;
    const std::vector<QRgb>& colours = colourTable();
    for (int i = 0; i < kExactEntries; ++i)
        if (colours[static_cast<size_t>(i)] == colour)
            return static_cast<std::uint8_t>(i);
    const int key = ((qRed(colour) >> 3) << 10) | ((qGreen(colour) >> 3) << 5) | (qBlue(colour) >> 3);
    return nearestTable()[static_cast<size_t>(key)];
}

QRgb GifWriter::paletteColour(int index)
{
    return colourTable()[static_cast<size_t>(std::clamp(index, 0, 255))];
}

bool GifWriter::open(const QString& path, const QSize& size)
{
    m_file.setFileName(path);
    m_size = size;
    m_ok = m_file.open(QIODevice::WriteOnly | QIODevice::Truncate);
    if (!m_ok)
        return false;
    std::vector<std::uint8_t> header{'G', 'I', 'F', '8', '9', 'a'};
    put16(header, size.width());
    put16(header, size.height());
    header.insert(header.end(), {0xF7, 0, 0}); // global colour table of 256 entries
    for (int i = 0; i < 256; ++i) {
        const QRgb colour = paletteColour(i);
        header.insert(header.end(), {static_cast<std::uint8_t>(qRed(colour)), static_cast<std::uint8_t>(qGreen(colour)),
                                     static_cast<std::uint8_t>(qBlue(colour))});
    }
    const char* netscape = "NETSCAPE2.0";
    header.insert(header.end(), {0x21, 0xFF, 11});
    header.insert(header.end(), netscape, netscape + 11);
    header.insert(header.end(), {3, 1, 0, 0, 0}); // loop forever
    writeBytes(header);
    return m_ok;
}

bool GifWriter::addFrame(const QImage& frame, int delayCentiseconds)
{
    if (!m_ok)
        return false;
    const QImage image = (frame.size() == m_size ? frame : frame.scaled(m_size)).convertToFormat(QImage::Format_RGB32);
    std::vector<std::uint8_t> block{0x21, 0xF9, 4, 0};
    put16(block, delayCentiseconds);
    block.insert(block.end(), {0, 0, 0x2C});
    put16(block, 0);
    put16(block, 0);
    put16(block, m_size.width());
    put16(block, m_size.height());
    block.push_back(0); // no local colour table, not interlaced
    block.push_back(8); // LZW minimum code size
    std::vector<std::uint8_t> pixels;
    pixels.reserve(static_cast<size_t>(m_size.width()) * static_cast<size_t>(m_size.height()));
    // Runs of one colour are the rule in a timeline: look each run up once.
    QRgb previous = 0;
    std::uint8_t previousIndex = paletteIndex(previous);
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            if (line[x] != previous) {
                previous = line[x];
                previousIndex = paletteIndex(previous);
            }
            pixels.push_back(previousIndex);
        }
    }
    const std::vector<std::uint8_t> data = lzw(pixels);
    block.insert(block.end(), data.begin(), data.end());
    writeBytes(block);
    return m_ok;
}

bool GifWriter::close()
{
    if (m_file.isOpen()) {
        writeBytes({0x3B});
        m_file.close();
    }
    return m_ok;
}

void GifWriter::writeBytes(const std::vector<std::uint8_t>& bytes)
{
    m_ok = m_ok && m_file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size())) ==
                       static_cast<qint64>(bytes.size());
}

} // namespace coinfer
