// RemindCore: the values every room of remindd shares.
//
// Only plain values live here: what a message is, how it is identified, what an
// appointment record says, delivery windows, the journal's event ids and log keys.
// Nothing here touches the file system, the clock or the network, and nothing
// here throws except the parsing of identifiers from text.
