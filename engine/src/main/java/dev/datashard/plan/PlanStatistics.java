package dev.datashard.plan;

/**
 * What a scan plan's pruning kept, level by level.
 *
 * @param manifests the snapshot's data manifests
 * @param manifestsRead those the manifest list's partition summaries did not rule out: the only
 *     ones read
 * @param liveFiles live data files in the manifests read
 * @param partitionMatches those whose partition tuple did not rule them out
 * @param files those whose column bounds did not rule them out either: the files the scan opens
 */
public record PlanStatistics(int manifests, int manifestsRead, int liveFiles, int partitionMatches, int files) {}
