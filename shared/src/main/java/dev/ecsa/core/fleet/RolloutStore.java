package dev.ecsa.core.fleet;

import java.util.List;
import java.util.Optional;

/** Where rollouts are recorded (the inventory table, one item each). */
public interface RolloutStore {

    /** Records a new rollout; {@code false} if one with its id exists (a redelivered message, or a reused id). */
    boolean create(Rollout rollout);

    /** The rollout, read consistently. */
    Optional<Rollout> get(String rolloutId);

    /**
     * Replaces the stored rollout with {@code rollout}, whose version must be the stored one plus one: {@code false}
     * when the stored version moved on meanwhile (another step or a control wrote first; read again).
     */
    boolean replace(Rollout rollout);

    /** The most recent rollouts, newest first, at most {@code limit}. */
    List<Rollout> recent(int limit);
}
