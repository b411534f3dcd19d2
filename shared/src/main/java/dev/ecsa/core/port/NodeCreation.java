package dev.ecsa.core.port;

import dev.ecsa.core.model.NodeRecord;

/**
 * The result of creating a node item if absent.
 *
 * @param created whether this call created it
 * @param node    the item as stored now (the existing one when not created)
 */
public record NodeCreation(boolean created, NodeRecord node) {
}
