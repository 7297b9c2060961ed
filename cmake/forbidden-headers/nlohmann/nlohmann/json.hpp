// Stand-in put first on the include path of every target but core/io (cmake/CoinferLayers.cmake).
#error "nlohmann-json is core/io's: read and write files through core/io (docs/architecture.md)"
