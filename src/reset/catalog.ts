// The table listing moved to src/catalog/ (one listing for reset, summary, backup manifests and verify).
export * from '../catalog/tables.js';
