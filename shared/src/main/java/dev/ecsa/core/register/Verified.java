package dev.ecsa.core.register;

import dev.ecsa.core.model.AgentVersions;

/**
 * A registration that SSM and ECS confirm: the ids and versions to record, and how it was confirmed.
 */
record Verified(String managedInstanceId, String containerInstanceArn, AgentVersions versions, String how) {
}
