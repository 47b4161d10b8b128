DROP TABLE metric_rollups;
DROP TABLE metric_points;
