// HPOPackaging: what happens after the search — held-out evaluation, release
// gates, the package, the registry and the reports.
