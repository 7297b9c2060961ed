// Only carries the precompiled headers that every widget test reuses.
