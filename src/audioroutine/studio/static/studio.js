// the studio's script (front)
