package dev.datashard.plan;

import dev.datashard.io.Location;
import dev.datashard.metadata.DataFile;
import dev.datashard.metadata.DeleteEntry;
import dev.datashard.metadata.DeleteFile;
import dev.datashard.metadata.ManifestFile;
import dev.datashard.partition.PartitionKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The live delete files of a snapshot, indexed by what they may apply to, and the spec's scan
 * planning rules for which of them apply to a data file: a position delete file applies to data
 * files of its partition (spec id and values) whose data sequence number is at most its own (a
 * commit may delete rows it adds), and only to its referenced data file when it names one; an
 * equality delete file applies to strictly older data files of its partition, or of every
 * partition when its spec is unpartitioned (a global delete).
 */
public final class DeleteIndex {
  public static final DeleteIndex EMPTY = new DeleteIndex(Map.of(), Map.of(), List.of());

  /** A live delete file with what the rules need from its manifest and entry. */
  private record Indexed(DeleteFile file, long dataSequenceNumber) {}

  private record SpecPartition(int specId, PartitionKey partition) {}

  private final Map<SpecPartition, List<Indexed>> positionDeletes;
  private final Map<SpecPartition, List<Indexed>> equalityDeletes;
  private final List<Indexed> globalEqualityDeletes;

  private DeleteIndex(Map<SpecPartition, List<Indexed>> positionDeletes,
      Map<SpecPartition, List<Indexed>> equalityDeletes, List<Indexed> globalEqualityDeletes) {
    this.positionDeletes = positionDeletes;
    this.equalityDeletes = equalityDeletes;
    this.globalEqualityDeletes = globalEqualityDeletes;
  }

  /** Collects the live delete files of one manifest at a time. */
  public static final class Builder {
    private final IntPredicate unpartitionedSpec;
    private final Map<SpecPartition, List<Indexed>> positionDeletes = new HashMap<>();
    private final Map<SpecPartition, List<Indexed>> equalityDeletes = new HashMap<>();
    private final List<Indexed> globalEqualityDeletes = new ArrayList<>();

    /** @param unpartitionedSpec whether the partition spec of an id partitions nothing */
    public Builder(IntPredicate unpartitionedSpec) {
      this.unpartitionedSpec = unpartitionedSpec;
    }

    /** Adds the live entries of the delete manifest {@code manifest}. */
    public Builder add(ManifestFile manifest, List<DeleteEntry> entries) {
      boolean global = unpartitionedSpec.test(manifest.specId());
      for (DeleteEntry entry : entries) {
        if (!entry.isLive()) {
          continue;
        }
        Indexed indexed = new Indexed(entry.file(), entry.dataSequenceNumber(manifest));
        SpecPartition key = new SpecPartition(manifest.specId(), entry.file().partition());
        switch (entry.file().content()) {
          case POSITION_DELETES -> positionDeletes.computeIfAbsent(key, k -> new ArrayList<>()).add(indexed);
          case EQUALITY_DELETES -> {
            if (global) {
              globalEqualityDeletes.add(indexed);
            } else {
              equalityDeletes.computeIfAbsent(key, k -> new ArrayList<>()).add(indexed);
            }
          }
        }
      }
      return this;
    }

    public DeleteIndex build() {
      if (positionDeletes.isEmpty() && equalityDeletes.isEmpty() && globalEqualityDeletes.isEmpty()) {
        return EMPTY;
      }
      return new DeleteIndex(Map.copyOf(positionDeletes), Map.copyOf(equalityDeletes),
          List.copyOf(globalEqualityDeletes));
    }
  }

  public boolean isEmpty() {
    return positionDeletes.isEmpty() && equalityDeletes.isEmpty() && globalEqualityDeletes.isEmpty();
  }

  /**
   * The delete files that apply to {@code file}, a data file of partition spec {@code specId}
   * with data sequence number {@code dataSequenceNumber}: position deletes first, then equality deletes.
   */
  public List<DeleteFile> forDataFile(DataFile file, int specId, long dataSequenceNumber) {
    if (isEmpty()) {
      return List.of();
    }
    SpecPartition key = new SpecPartition(specId, file.partition());
    List<DeleteFile> applying = new ArrayList<>();
    Location location = null;
    for (Indexed delete : positionDeletes.getOrDefault(key, List.of())) {
      if (delete.dataSequenceNumber() < dataSequenceNumber) {
        continue;
      }
      String referenced = delete.file().referencedDataFile();
      if (referenced != null) {
        // Spellings differ between writers (file:/x, /x): one Location is one file.
        location = location != null ? location : Location.of(file.location());
        if (!Location.of(referenced).equals(location)) {
          continue;
        }
      }
      applying.add(delete.file());
    }
    for (Indexed delete : equalityDeletes.getOrDefault(key, List.of())) {
      if (delete.dataSequenceNumber() > dataSequenceNumber) {
        applying.add(delete.file());
      }
    }
    for (Indexed delete : globalEqualityDeletes) {
      if (delete.dataSequenceNumber() > dataSequenceNumber) {
        applying.add(delete.file());
      }
    }
    return applying;
  }
}
